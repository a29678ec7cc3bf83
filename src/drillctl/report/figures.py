"""Each key figure of a drill, defined once from the typed journal (docs/figures.md says the same).

- symptom clock: the detect mark (``detected_at``, ``confirmed_at`` in journals before there was
  one) of the earliest symptom of a primary signal at or after the injection. The panel's
  "since symptom", every report and the chart start their clocks here.
- detect: the faults took effect (the injection in older journals) → symptom clock.
- acknowledge: symptom clock → the responder's first acknowledgement.
- hypothesis: symptom clock → the first hypothesis, the responder's and drillctl's timed apart.
- mitigate: symptom clock (the injection when no symptom was detected) → the first revert that
  put something back, whoever made it (engine, responder, guardrail, Ctrl-C, ``drillctl
  recover``). A fault whose revert had nothing to do (a FLUSHDB) is "nothing to revert".
- recover: first revert (the symptom clock for a fault with nothing to revert) → recovered.

Durations are clamped at 0: a revert before the symptom mitigates in 0 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from drillctl.core.events import (
    Baseline,
    FaultInjected,
    FaultReverted,
    FaultRevertStarted,
    HypothesisAuto,
    JournalEvent,
    Recovered,
    ResponderAck,
    ResponderHypothesis,
    ResponderRevert,
    Symptom,
)
from drillctl.core.timeconv import parse_rfc3339


def instant(raw: str | None, fallback: datetime) -> datetime:
    """An ISO 8601 instant a detector wrote, else ``fallback`` (the event's own time)."""
    if raw:
        try:
            parsed = parse_rfc3339(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    return fallback


def detect_mark(event: Symptom) -> datetime:
    """When a symptom was detected: the moment the evidence first supported it."""
    return instant(event.detected_at or event.confirmed_at, event.ts)  # older: confirmed_at


def secondary_signals(events: Sequence[JournalEvent]) -> set[str]:
    """Signals whose baseline says ``primary: false``: they never time detection or recovery."""
    return {e.signal for e in events if isinstance(e, Baseline) and e.primary is False}


def injected_at(events: Sequence[JournalEvent]) -> datetime | None:
    return next((e.ts for e in events if isinstance(e, FaultInjected)), None)


def symptom_clock(events: Sequence[JournalEvent], since: datetime | None) -> datetime | None:
    """The one symptom clock: the earliest detect mark of a primary symptom at or after ``since``
    (the injection; without one, the first symptom journalled)."""
    secondary = secondary_signals(events)
    symptoms = [e for e in events if isinstance(e, Symptom) and e.signal not in secondary]
    if since is None:
        return detect_mark(symptoms[0]) if symptoms else None
    after = [e for e in symptoms if instant(e.confirmed_at, e.ts) >= since]
    return min((detect_mark(e) for e in after), default=None)


def recovered_at(events: Sequence[JournalEvent], symptom: datetime | None) -> datetime | None:
    """The last primary recovery confirmed after the symptom (None without a symptom)."""
    if symptom is None:
        return None
    secondary = secondary_signals(events)
    marks = [
        instant(e.confirmed_at, e.ts)
        for e in events
        if isinstance(e, Recovered) and e.signal not in secondary
    ]
    return max((m for m in marks if m >= symptom), default=None)


def first_revert(events: Sequence[JournalEvent]) -> FaultRevertStarted | ResponderRevert | None:
    """The first revert anyone started: the engine, the responder, a guardrail, a signal."""
    kinds = (FaultRevertStarted, ResponderRevert)
    found = [e for e in events if isinstance(e, kinds)]
    return min(found, key=lambda e: e.seq, default=None)


def nothing_to_revert(events: Sequence[JournalEvent]) -> bool:
    """Every fault's revert was skipped as having nothing to put back (an instant fault)."""
    reverts = [e for e in events if isinstance(e, FaultReverted)]
    return bool(reverts) and all(nothing_done(e.result) for e in reverts)


def nothing_done(result: dict[str, object]) -> bool:
    # "skipped": the fault has no revert command (0.1.0 on); "noop": the revert knew it could not
    return "skipped" in result or result.get("noop") is True


def responder_hypothesis_at(events: Sequence[JournalEvent]) -> datetime | None:
    return next((e.ts for e in events if isinstance(e, ResponderHypothesis)), None)


def drillctl_hypothesis_at(events: Sequence[JournalEvent]) -> datetime | None:
    return next((e.ts for e in events if isinstance(e, HypothesisAuto)), None)


def acknowledged_at(events: Sequence[JournalEvent]) -> datetime | None:
    return next((e.ts for e in events if isinstance(e, ResponderAck)), None)


def between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)
