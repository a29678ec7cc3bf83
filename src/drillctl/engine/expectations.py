"""The scenario's ``expect`` block checked against the journal (unattended mode's judge).

Timing expectations are pure functions of the events:
  symptom      a symptom confirmed within ``symptom_within`` of the injection (when the scenario
               sets no bound, a symptom must still appear before the fault is reverted+recovery:
               a drill in which nothing broke proves nothing);
  alert:NAME   the alert seen ``firing`` within its ``within`` of the injection;
  recovered    every symptomatic signal back to normal within ``recovered_within`` of the first
               revert (default: the scenario's ``recovery.timeout``).
Invariants are measured by the engine through the observer; ``check_invariant`` judges the values.
Each result becomes one ``expectation`` event: name, passed, detail, expected, actual.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from drillctl.core.events import (
    Alert,
    AlertState,
    FaultInjected,
    FaultReverted,
    FaultRevertStarted,
    JournalEvent,
    Recovered,
    Symptom,
    first_of,
    of_type,
)
from drillctl.core.timeconv import parse_rfc3339
from drillctl.scenario.model import Expect, Invariant, Recovery


@dataclass(frozen=True)
class Result:
    name: str
    passed: bool
    detail: str
    expected: Any
    actual: Any

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def _instant(text: str | None, event: JournalEvent) -> datetime:
    """An instant the event reports, or the event's own time when it gave none."""
    return (parse_rfc3339(text) if text else None) or event.ts


def _confirmed(event: Symptom | Recovered) -> datetime:
    return _instant(event.confirmed_at, event)


def _detected(event: Symptom) -> datetime:
    # a journal from before the detect mark has only confirmed_at
    return _confirmed(event) if event.detected_at is None else _instant(event.detected_at, event)


def _secs(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds(), 1)


def _only(events: Sequence[JournalEvent], primary: Collection[str] | None) -> list[JournalEvent]:
    """Drop symptom/recovered marks of secondary signals: they are watched, they do not judge."""
    if primary is None:
        return list(events)
    return [e for e in events if not isinstance(e, Symptom | Recovered) or e.signal in primary]


def check_symptom(events: Sequence[JournalEvent], within: timedelta | None) -> Result:
    injected = first_of(events, FaultInjected)
    if injected is None:
        return Result("symptom", False, "nothing was injected", _secs(within), None)
    symptoms = [e for e in of_type(events, Symptom) if _confirmed(e) >= injected.ts]
    if not symptoms:
        bound = f" within {_secs(within):g}s" if within else ""
        return Result(
            "symptom",
            False,
            f"no signal showed the symptom{bound} of the injection",
            _secs(within),
            None,
        )
    # the detect mark (``detected_at``) from when the fault took effect (``effective_at``): the
    # clock the reports time detection with; journals without them: confirmed_at from inject
    first = min(symptoms, key=_detected)
    took = _detected(first) - _instant(injected.effective_at, injected)
    passed = within is None or took <= within
    detail = (
        f"{first.signal} = {first.value} (baseline "
        f"{first.baseline}) {_secs(took):g}s after the fault took effect"
    )
    return Result("symptom", passed, detail, _secs(within), _secs(took))


def check_alert(events: Sequence[JournalEvent], name: str, within: timedelta) -> Result:
    label = f"alert:{name}"
    injected = first_of(events, FaultInjected)
    if injected is None:
        return Result(label, False, "nothing was injected", _secs(within), None)
    firing = [
        e
        for e in of_type(events, Alert)
        if e.name == name and e.state == AlertState.FIRING and e.ts >= injected.ts
    ]
    if not firing:
        return Result(label, False, _never_fired(events, name, injected), _secs(within), None)
    took = firing[0].ts - injected.ts
    passed = took <= within
    return Result(
        label,
        passed,
        f"{name} firing {_secs(took):g}s after the injection",
        _secs(within),
        _secs(took),
    )


def _never_fired(events: Sequence[JournalEvent], name: str, injected: FaultInjected) -> str:
    """Why no firing counts: an alert already firing when the fault went in shows nothing about
    the fault (the stack was not in steady state for it); say so rather than "never fired"."""
    states = [e.state for e in of_type(events, Alert) if e.name == name and e.ts < injected.ts]
    if states and states[-1] == AlertState.FIRING:
        return f"{name} was already firing before the fault, so its firing shows nothing about it"
    return f"{name} never fired"


def check_recovered(
    events: Sequence[JournalEvent], within: timedelta | None, recovery: Recovery
) -> Result:
    bound = within or recovery.timeout
    revert = first_of(events, FaultRevertStarted)
    symptomatic = _symptomatic_signals(events)
    if revert is None:
        return Result("recovered", False, "the fault was never reverted", _secs(bound), None)
    if not symptomatic:
        return Result("recovered", False, "no symptom to recover from", _secs(bound), None)
    last = _recovered_at(events, symptomatic)
    if last is None:
        waiting = sorted(symptomatic - _recovered_signals(events))
        return Result(
            "recovered", False, f"still not normal: {', '.join(waiting)}", _secs(bound), None
        )
    took = max(last - revert.ts, timedelta(0))
    return Result(
        "recovered",
        took <= bound,
        f"every signal normal {_secs(took):g}s after the revert",
        _secs(bound),
        _secs(took),
    )


def _symptomatic_signals(events: Sequence[JournalEvent]) -> set[str]:
    injected = first_of(events, FaultInjected)
    since = injected.ts if injected else None
    return {e.signal for e in of_type(events, Symptom) if since is None or _confirmed(e) >= since}


def _recovered_signals(events: Sequence[JournalEvent]) -> set[str]:
    """Signals whose latest mark is a recovery."""
    latest: dict[str, bool] = {}
    for event in events:
        if isinstance(event, Symptom | Recovered):
            latest[event.signal] = isinstance(event, Recovered)
    return {name for name, recovered in latest.items() if recovered}


def _recovered_at(events: Sequence[JournalEvent], symptomatic: set[str]) -> datetime | None:
    if not symptomatic <= _recovered_signals(events):
        return None
    marks = [_confirmed(e) for e in of_type(events, Recovered) if e.signal in symptomatic]
    return max(marks, default=None)


def check_timings(
    events: Sequence[JournalEvent],
    expect: Expect,
    recovery: Recovery,
    primary: Collection[str] | None = None,
) -> list[Result]:
    """``primary``: the signals that count for symptom and recovery (None: every signal)."""
    events = _only(events, primary)
    results = [check_symptom(events, expect.symptom_within)]
    results += [check_alert(events, a.name, a.within) for a in expect.alerts]
    results.append(check_recovered(events, expect.recovered_within, recovery))
    return results


def check_invariant(invariant: Invariant, values: Sequence[float | None]) -> Result:
    """Judge an invariant on its measured values (one at the end, or every poll for ``always``)."""
    name = f"invariant:{invariant.name}"
    expected = _invariant_words(invariant)
    measured = [v for v in values if v is not None]
    if not measured:
        return Result(name, False, f"{invariant.query}: no data", expected, None)
    bad = [v for v in measured if not _holds(invariant, v)]
    actual = bad[0] if bad else measured[-1]
    detail = f"{invariant.name} = {actual:g} (expected {expected})"
    return Result(name, not bad, detail, expected, actual)


def _holds(invariant: Invariant, value: float) -> bool:
    return (
        (invariant.equals is None or abs(value - invariant.equals) < 1e-9)
        and (invariant.above is None or value > invariant.above)
        and (invariant.below is None or value < invariant.below)
    )


def _invariant_words(invariant: Invariant) -> str:
    parts = []
    if invariant.equals is not None:
        parts.append(f"== {invariant.equals:g}")
    if invariant.above is not None:
        parts.append(f"> {invariant.above:g}")
    if invariant.below is not None:
        parts.append(f"< {invariant.below:g}")
    words = " and ".join(parts) or "any value"
    return f"change since the injection {words}" if invariant.measure == "change" else words


def check_fault_effects(events: Sequence[JournalEvent]) -> list[Result]:
    """``effect:<fault>`` for each fault that measured its effect (network and resource faults):
    the last measurement wins (the revert's counters over the injection's first look); a fault
    that had no measurable effect fails, instead of letting a drill pass on nothing."""
    latest: dict[str, dict[str, Any]] = {}
    for event in events:
        if isinstance(event, FaultInjected | FaultReverted):
            effect = event.result.get("effect")
            if isinstance(effect, dict) and "measured" in effect:
                latest[event.id] = effect
    results = []
    for fid, effect in latest.items():
        summary = str(effect.get("summary", ""))
        results.append(
            Result(f"effect:{fid}", bool(effect["measured"]), summary, "measurable", summary)
        )
    return results
