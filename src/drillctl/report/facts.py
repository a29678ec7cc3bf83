"""Per-topic extraction from the journal: faults, signals, alerts, expectations, remarks, traffic.

Each function takes the ordered, typed events and returns part of the ``DrillSummary``;
``summary.py`` puts them together (the evidence and the sources: ``evidence.py``). Everything
here is a pure function of the events.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from drillctl.core.events import (
    Alert,
    AlertState,
    Baseline,
    FaultInjected,
    FaultInjectFailed,
    FaultInjectStarted,
    FaultReverted,
    FaultRevertFailed,
    FaultRevertStarted,
    GmDebrief,
    GmEndFault,
    GmExtend,
    GmHint,
    JournalEvent,
    Recovered,
    ResponderChecklist,
    ResponderDecision,
    ResponderNote,
    ResponderPage,
    Sample,
    Symptom,
    TrafficStats,
    of_type,
)
from drillctl.core.events import Expectation as ExpectationEvent
from drillctl.report import figures
from drillctl.report.fmt import round_numbers
from drillctl.report.model import (
    AlertSummary,
    Expectation,
    FaultSummary,
    Remark,
    SignalSummary,
    Traffic,
)

_JOBS_LOST = re.compile(r"(?i)\b(jobs|bets)[ _.-]?lost\b")
_FaultEvent = (
    FaultInjectStarted,
    FaultInjected,
    FaultInjectFailed,
    FaultRevertStarted,
    FaultReverted,
    FaultRevertFailed,
)


def as_float(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def faults(events: Sequence[JournalEvent]) -> list[FaultSummary]:
    found: dict[int, dict[str, Any]] = {}
    for event in events:
        if isinstance(event, _FaultEvent):
            index = event.fault
            slot = found.setdefault(index, {"index": index, "id": event.id or str(index)})
            _fault_step(slot, event)
    return [FaultSummary(**slot) for _, slot in sorted(found.items())]


def _fault_step(slot: dict[str, Any], event: JournalEvent) -> None:
    if isinstance(event, FaultInjectStarted):
        slot.update(type=event.fault_type or None, plan=event.plan or None)
    elif isinstance(event, FaultInjected):
        slot.setdefault("injected_at", event.ts)
        slot.setdefault("effective_at", figures.instant(event.effective_at, event.ts))
        slot.setdefault("took", event.took)
    elif isinstance(event, FaultInjectFailed):
        slot["inject_error"] = event.error
    elif isinstance(event, FaultRevertStarted) and "revert_started_at" not in slot:
        slot.update(revert_started_at=event.ts, revert_by=str(event.by))
    elif isinstance(event, FaultReverted):
        slot["reverted_at"] = event.ts
    elif isinstance(event, FaultRevertFailed):
        slot.update(
            revert_error=event.error, left_state=event.state or None, todo=event.todo or None
        )


def signals(
    events: Sequence[JournalEvent], since: datetime | None, until: datetime | None
) -> list[SignalSummary]:
    """Each signal with its baseline, its peak inside [since, until] and its symptom/recovery."""
    order: dict[str, dict[str, Any]] = {}
    for event in events:
        if isinstance(event, Baseline | Sample | Symptom | Recovered) and event.signal:
            name = event.signal
            step = _SIGNAL_STEPS[type(event)]
            step(order.setdefault(name, {"name": name, "_samples": []}), event)
    return [_signal_summary(slot, since, until) for slot in order.values()]


def _on_baseline(slot: dict[str, Any], event: Baseline) -> None:
    slot.update(baseline=event.centre, spread=event.spread)
    slot["unit"] = event.unit or slot.get("unit")
    slot["no_data"] = event.no_data


def _on_sample(slot: dict[str, Any], event: Sample) -> None:
    slot["_samples"].append((figures.instant(event.at, event.ts), event.value))


def _on_symptom(slot: dict[str, Any], event: Symptom) -> None:
    if "symptom_at" in slot:
        return
    slot.update(symptom_at=figures.detect_mark(event), symptom_value=event.value)
    slot["rule"] = event.rule or None
    if slot.get("baseline") is None:
        slot["baseline"] = event.baseline


def _on_recovered(slot: dict[str, Any], event: Recovered) -> None:
    slot["recovered_at"] = figures.instant(event.confirmed_at, event.ts)


_SIGNAL_STEPS: dict[type[JournalEvent], Callable[[dict[str, Any], Any], None]] = {
    Baseline: _on_baseline,
    Sample: _on_sample,
    Symptom: _on_symptom,
    Recovered: _on_recovered,
}


def _signal_summary(
    slot: dict[str, Any], since: datetime | None, until: datetime | None
) -> SignalSummary:
    samples = [(at, v) for at, v in slot.pop("_samples") if v is not None]
    window = [
        (at, v)
        for at, v in samples
        if (since is None or at >= since) and (until is None or at <= until)
    ]
    if window:
        peak_at, peak = _extreme(window, slot)
        slot.update(peak=peak, peak_at=peak_at)
    return SignalSummary(**slot, samples=len(samples))


def _extreme(window: list[tuple[datetime, float]], slot: dict[str, Any]) -> tuple[datetime, float]:
    """The sample furthest from the baseline in the direction the symptom broke (a drop's
    low, not the catch-up peak after the revert); without a symptom, furthest either way."""
    centre = slot.get("baseline")
    if centre is None:
        return max(window, key=lambda s: s[1])
    direction = _broke_towards(slot, centre)
    if direction == "down":
        return min(window, key=lambda s: s[1])
    if direction == "up":
        return max(window, key=lambda s: s[1])
    return max(window, key=lambda s: (abs(s[1] - centre), s[1]))


def _broke_towards(slot: dict[str, Any], centre: float) -> str | None:
    value, rule = slot.get("symptom_value"), slot.get("rule") or ""
    if value is not None:
        return "down" if value < centre else "up" if value > centre else None
    if "symptom_at" not in slot:
        return None
    # no value at the symptom (the series vanished): the rule's own words say which way
    return (
        "down" if rule.lstrip().startswith("<") else "up" if rule.lstrip().startswith(">") else None
    )


def alerts(events: Sequence[JournalEvent], injected: datetime | None) -> list[AlertSummary]:
    found: dict[str, dict[str, Any]] = {}
    for event in of_type(events, Alert):
        if not event.name:
            continue
        slot = found.setdefault(event.name, {"name": event.name})
        slot.setdefault("source", event.source or None)
        if event.state == AlertState.PENDING:
            slot.setdefault("pending_at", figures.instant(event.active_at, event.ts))
        elif event.state == AlertState.FIRING:
            slot.setdefault("fired_at", event.ts)
            if event.silenced:
                slot["silenced"] = True
        elif event.state == AlertState.RESOLVED and slot.get("fired_at"):
            slot.setdefault("resolved_at", event.ts)
    return [_alert_summary(slot, injected) for slot in found.values()]


def _alert_summary(slot: dict[str, Any], injected: datetime | None) -> AlertSummary:
    before = _fired_before(slot.get("fired_at"), injected)
    # an alert already firing has no latency: 0 s would count as the fastest alert in history
    latency = None if before else figures.between(injected, slot.get("fired_at"))
    return AlertSummary(**slot, latency_s=latency, before_injection=before)


def _fired_before(fired_at: datetime | None, injected: datetime | None) -> bool:
    return fired_at is not None and injected is not None and fired_at < injected


def expectations(events: Sequence[JournalEvent]) -> list[Expectation]:
    """The latest result per expectation name, in the order the names first appeared; the
    detail's measured numbers rounded as every report shows them."""
    found: dict[str, Expectation] = {}
    for event in of_type(events, ExpectationEvent):
        name = event.name or "?"
        found[name] = Expectation(
            name=name,
            passed=event.passed,
            detail=round_numbers(event.detail) if "detail" in event.model_fields_set else None,
            expected=event.expected,
            actual=event.actual,
            at=event.ts,
        )
    return list(found.values())


def remarks(events: Sequence[JournalEvent], operator: str) -> list[Remark]:
    out: list[Remark] = []
    for event in events:
        remark = _remark(event, operator)
        if remark is not None:
            out.append(remark)
    return out


def _remark(event: JournalEvent, operator: str) -> Remark | None:
    at = event.ts
    if isinstance(event, GmHint):
        return Remark(kind="hint", text=event.text, by=event.by or None, at=at)
    if isinstance(event, GmDebrief):
        return Remark(kind="debrief", text=event.text, by=event.by or None, at=at)
    if isinstance(event, ResponderDecision | ResponderNote):
        kind: Any = "decision" if isinstance(event, ResponderDecision) else "note"
        return Remark(kind=kind, text=event.text, by=operator, at=at)
    if isinstance(event, ResponderChecklist):
        return Remark(kind="checklist", text=event.item, by=operator, at=at)
    if isinstance(event, ResponderPage):
        return Remark(kind="page", text="would page now", by=operator, at=at)
    if isinstance(event, GmExtend):
        added = "?" if event.seconds is None else event.seconds
        return Remark(kind="extend", text=f"+{added}s", by=event.by or None, at=at)
    if isinstance(event, GmEndFault):
        return Remark(kind="end-fault", text="ended the fault early", by=event.by or None, at=at)
    return None


def traffic(events: Sequence[JournalEvent]) -> Traffic | None:
    stats = of_type(events, TrafficStats)
    if not stats:
        return None
    p95 = [s.p95_ms for s in stats if s.p95_ms is not None]
    return Traffic(
        sent=sum(s.sent for s in stats),
        ok=sum(s.ok for s in stats),
        errors=sum(s.errors for s in stats),
        p95_ms_max=max(p95) if p95 else None,
    )


def jobs_lost(found: list[Expectation], sigs: list[SignalSummary]) -> float | None:
    """Jobs (or bets) lost, from an invariant expectation or else a signal named like it."""
    for expectation in reversed(found):
        if (
            _JOBS_LOST.search(expectation.name.replace("_", " "))
            and as_float(expectation.actual) is not None
        ):
            return as_float(expectation.actual)
    for signal in sigs:
        if _JOBS_LOST.search(signal.name.replace("_", " ")) and signal.peak is not None:
            return signal.peak
    return None
