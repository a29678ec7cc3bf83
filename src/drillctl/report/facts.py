"""Per-topic extraction from the journal: faults, signals, alerts, expectations, remarks, traffic.

Each function takes the ordered events and returns part of the ``DrillSummary``; ``summary.py``
puts them together. Everything here is a pure function of the events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from drillctl.core.events import Symptom
from drillctl.core.journal import Event
from drillctl.core.timeconv import parse_rfc3339
from drillctl.report import figures
from drillctl.report.model import (
    AlertSummary,
    Evidence,
    Expectation,
    FaultSummary,
    Remark,
    RemarkKind,
    SignalSummary,
    Traffic,
)

_JOBS_LOST = re.compile(r"(?i)\b(jobs|bets)[ _.-]?lost\b")


def when(event: Event, key: str) -> datetime:
    """The instant a detector reports in ``data[key]`` (ISO 8601), else the event's own time."""
    raw = event.data.get(key)
    if isinstance(raw, str):
        try:
            parsed = parse_rfc3339(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    return event.ts


def detect_mark(event: Event) -> datetime:
    """When a ``symptom`` was detected: ``figures.detect_mark`` (the one symptom clock)."""
    assert isinstance(event, Symptom)
    return figures.detect_mark(event)


def as_float(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def faults(events: Sequence[Event]) -> list[FaultSummary]:
    found: dict[int, dict[str, Any]] = {}
    for event in events:
        if not event.type.startswith("fault."):
            continue
        index = int(event.data.get("fault", 0))
        slot = found.setdefault(index, {"index": index, "id": str(event.data.get("id") or index)})
        _fault_step(slot, event)
    return [FaultSummary(**slot) for _, slot in sorted(found.items())]


def _fault_step(slot: dict[str, Any], event: Event) -> None:
    data, kind = event.data, event.type.removeprefix("fault.")
    if kind == "inject-started":
        slot.update(type=data.get("type"), plan=data.get("plan"))
    elif kind == "injected":
        slot.setdefault("injected_at", event.ts)
        slot.setdefault("effective_at", when(event, "effective_at"))
        slot.setdefault("took", data.get("took"))
    elif kind == "inject-failed":
        slot["inject_error"] = str(data.get("error", ""))
    elif kind == "revert-started" and "revert_started_at" not in slot:
        slot.update(revert_started_at=event.ts, revert_by=data.get("by"))
    elif kind == "reverted":
        slot["reverted_at"] = event.ts
    elif kind == "revert-failed":
        slot.update(
            revert_error=str(data.get("error", "")),
            left_state=data.get("state"),
            todo=data.get("todo"),
        )


def signals(
    events: Sequence[Event], since: datetime | None, until: datetime | None
) -> list[SignalSummary]:
    """Each signal with its baseline, its peak inside [since, until] and its symptom/recovery."""
    order: dict[str, dict[str, Any]] = {}
    for event in events:
        name = event.data.get("signal")
        if event.type in ("baseline", "sample", "symptom", "recovered") and name:
            _signal_step(order.setdefault(str(name), {"name": str(name), "_samples": []}), event)
    return [_signal_summary(slot, since, until) for slot in order.values()]


def _signal_step(slot: dict[str, Any], event: Event) -> None:
    data = event.data
    if event.type == "baseline":
        slot.update(baseline=as_float(data.get("centre")), spread=as_float(data.get("spread")))
        slot["unit"] = data.get("unit") or slot.get("unit")
        slot["no_data"] = data.get("no_data")
    elif event.type == "sample":
        slot["_samples"].append((when(event, "at"), as_float(data.get("value"))))
    elif event.type == "symptom" and "symptom_at" not in slot:
        slot.update(symptom_at=detect_mark(event), symptom_value=as_float(data.get("value")))
        slot["rule"] = data.get("rule")
        if slot.get("baseline") is None:
            slot["baseline"] = as_float(data.get("baseline"))
    elif event.type == "recovered":
        slot["recovered_at"] = when(event, "confirmed_at")


def _signal_summary(
    slot: dict[str, Any], since: datetime | None, until: datetime | None
) -> SignalSummary:
    samples = [(at, v) for at, v in slot.pop("_samples") if v is not None]
    window = [
        (at, v)
        for at, v in samples
        if (since is None or at >= since) and (until is None or at <= until)
    ]
    centre = slot.get("baseline")
    if window:
        peak_at, peak = max(
            window, key=lambda s: (abs(s[1] - centre), s[1]) if centre is not None else (s[1], 0.0)
        )
        slot.update(peak=peak, peak_at=peak_at)
    return SignalSummary(**slot, samples=len(samples))


def alerts(events: Sequence[Event], injected: datetime | None) -> list[AlertSummary]:
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.type != "alert" or not event.data.get("name"):
            continue
        slot = found.setdefault(str(event.data["name"]), {"name": str(event.data["name"])})
        slot.setdefault("source", event.data.get("source"))
        state = event.data.get("state")
        if state == "pending":
            slot.setdefault("pending_at", when(event, "active_at"))
        elif state == "firing":
            slot.setdefault("fired_at", event.ts)
            if event.data.get("silenced"):
                slot["silenced"] = True
        elif state == "resolved" and slot.get("fired_at"):
            slot.setdefault("resolved_at", event.ts)
    return [
        AlertSummary(**slot, latency_s=_latency(injected, slot.get("fired_at")))
        for slot in found.values()
    ]


def _latency(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else max((end - start).total_seconds(), 0.0)


def expectations(events: Sequence[Event]) -> list[Expectation]:
    """The latest result per expectation name, in the order the names first appeared."""
    found: dict[str, Expectation] = {}
    for event in events:
        if event.type == "expectation":
            data = event.data
            name = str(data.get("name", "?"))
            found[name] = Expectation(
                name=name,
                passed=bool(data.get("passed")),
                detail=data.get("detail"),
                expected=data.get("expected"),
                actual=data.get("actual"),
                at=event.ts,
            )
    return list(found.values())


def evidence(events: Sequence[Event]) -> list[Evidence]:
    return [
        Evidence(
            kind=str(e.data.get("kind", "?")),
            source=e.data.get("source"),
            summary=str(e.data.get("summary", "")),
            items=list(e.data.get("items") or []),
            at=e.ts,
        )
        for e in events
        if e.type == "evidence"
    ]


def dashboards(events: Sequence[Event]) -> dict[str, str]:
    """Deep links from ``run.started.dashboards`` and ``evidence`` of kind ``dashboard``."""
    links: dict[str, str] = {}
    for event in events:
        if event.type == "run.started":
            links.update(
                {str(k): str(v) for k, v in (event.data.get("dashboards") or {}).items() if v}
            )
        elif event.type == "evidence" and event.data.get("kind") == "dashboard":
            for item in event.data.get("items") or []:
                if isinstance(item, dict) and item.get("url"):
                    links.setdefault(
                        str(item.get("title") or item.get("name") or item["url"]), str(item["url"])
                    )
    return links


_REMARKS: dict[str, tuple[RemarkKind, str]] = {
    "gm.hint": ("hint", "text"),
    "responder.decision": ("decision", "text"),
    "responder.note": ("note", "text"),
    "responder.checklist": ("checklist", "item"),
    "gm.debrief": ("debrief", "text"),
}


def remarks(events: Sequence[Event], operator: str) -> list[Remark]:
    out: list[Remark] = []
    for event in events:
        data = event.data
        if event.type in _REMARKS:
            kind, key = _REMARKS[event.type]
            by = data.get("by") or (operator if event.type.startswith("responder.") else None)
            out.append(Remark(kind=kind, text=str(data.get(key, "")), by=by, at=event.ts))
        elif event.type == "responder.page":
            out.append(Remark(kind="page", text="would page now", by=operator, at=event.ts))
        elif event.type == "gm.extend":
            out.append(
                Remark(
                    kind="extend",
                    text=f"+{data.get('seconds', '?')}s",
                    by=data.get("by"),
                    at=event.ts,
                )
            )
        elif event.type == "gm.end-fault":
            out.append(
                Remark(
                    kind="end-fault", text="ended the fault early", by=data.get("by"), at=event.ts
                )
            )
    return out


def traffic(events: Sequence[Event]) -> Traffic | None:
    stats = [e.data for e in events if e.type == "traffic.stats"]
    if not stats:
        return None
    p95 = [v for v in (as_float(s.get("p95_ms")) for s in stats) if v is not None]
    return Traffic(
        sent=sum(int(s.get("sent") or 0) for s in stats),
        ok=sum(int(s.get("ok") or 0) for s in stats),
        errors=sum(int(s.get("errors") or 0) for s in stats),
        p95_ms_max=max(p95) if p95 else None,
    )


def unavailable_sources(events: Sequence[Event]) -> dict[str, str]:
    """What was still unavailable at the end: ``source`` or ``source/signal`` → reason."""
    state: dict[str, str] = {}
    for event in events:
        source = str(event.data.get("source", "?"))
        detail = event.data.get("signal") or event.data.get("evidence")
        source = f"{source}/{detail}" if detail else source
        if event.type == "source.unavailable":
            state[source] = str(event.data.get("reason", ""))
        elif event.type == "source.available":
            state.pop(source, None)
    return state


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
