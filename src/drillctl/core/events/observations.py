"""What the observer saw: sources, baselines, samples, onsets, symptoms, alerts, evidence."""

from __future__ import annotations

from typing import Any, Literal

from drillctl.core.events.base import JournalEvent
from drillctl.core.states import AlertState

# --- the observer ------------------------------------------------------------------------------


class SourceUnavailable(JournalEvent):
    """A source stopped answering (or was never configured); ``signal`` or ``evidence`` names
    what needed it when it is not the whole source."""

    type: Literal["source.unavailable"] = "source.unavailable"
    source: str = ""
    reason: str = ""
    signal: str | None = None
    evidence: str | None = None


class SourceAvailable(JournalEvent):
    """A source answers again."""

    type: Literal["source.available"] = "source.available"
    source: str = ""
    signal: str | None = None


class Baseline(JournalEvent):
    """A signal's steady state before the fault; a ``primary`` signal judges steadiness,
    detection and recovery."""

    type: Literal["baseline"] = "baseline"
    signal: str = ""
    centre: float | None = None
    spread: float | None = None
    samples: int = 0
    unit: str | None = None
    primary: bool | None = None  # absent (None) counts as primary
    missing: int = 0  # polls answered without data
    # fewer numeric samples than a baseline needs (centre and spread null): the words saying so
    no_data: str | None = None
    # a secondary signal whose rule cannot mean anything against this baseline: why, and it is
    # not watched during the drill (the same problem on a primary signal refuses the run, exit 2)
    not_watched: str | None = None


class Sample(JournalEvent):
    """One reading of a signal (``value`` null: no data); ``at`` is the sample's time."""

    type: Literal["sample"] = "sample"
    signal: str = ""
    value: float | None = None
    at: str = ""


class Onset(JournalEvent):
    """Live evidence that a signal moved its rule's way (observe/changepoint.py), or that a series
    which always had data disappeared (``evidence`` "no data"); ``change_at`` is where the change
    began, ``at`` when the evidence sufficed. Withdrawn silently if the signal settles back."""

    type: Literal["onset"] = "onset"
    signal: str = ""
    value: float | None = None
    baseline: float | None = None
    evidence: str = ""
    change_at: str = ""
    at: str = ""


class Symptom(JournalEvent):
    """A signal broke its rule: first breach, then confirmed (after ``for``, or sooner when an
    onset supports it: ``evidence``). ``detected_at`` is the detect mark every report times
    detection with: the earliest moment the evidence supported the symptom."""

    type: Literal["symptom"] = "symptom"
    signal: str = ""
    value: float | None = None
    baseline: float | None = None
    rule: str = ""
    first_breach_at: str = ""
    confirmed_at: str = ""
    evidence: str | None = None
    detected_at: str | None = None


class Recovered(JournalEvent):
    """A signal is back to normal: first normal reading, then confirmed."""

    type: Literal["recovered"] = "recovered"
    signal: str = ""
    value: float | None = None
    baseline: float | None = None
    first_normal_at: str = ""
    confirmed_at: str = ""


class Alert(JournalEvent):
    """An alert changed state, as Prometheus or Alertmanager saw it."""

    type: Literal["alert"] = "alert"
    name: str = ""
    state: AlertState
    source: str = ""
    active_at: str | None = None
    labels: dict[str, str] = {}
    silenced: bool = False  # fired while the drill's Alertmanager silence held it: nobody paged


class SilenceCreated(JournalEvent):
    """The drill's Alertmanager silence, created before injecting; ``recover`` expires it."""

    type: Literal["silence.created"] = "silence.created"
    id: str = ""
    url: str = ""  # the Alertmanager it lives in
    matchers: list[dict[str, Any]] = []
    ends_at: str = ""


class SilenceExpired(JournalEvent):
    """The drill's silence expired (``error`` set: it could not be, and may still hold)."""

    type: Literal["silence.expired"] = "silence.expired"
    id: str = ""
    error: str = ""


class Evidence(JournalEvent):
    """What the drill gathered: ``kind`` log, trace, dashboard, runbook or past-run (the
    recurrence search, each item {rank, path or run, title, why, passage, score}), probe or
    storm; or, at the start, ``change`` (the last releases that touched a watched route, or,
    source ``target``, what the services run differently since the last drill) and ``security``
    (the area's findings as {id, category, score, status} only)."""

    type: Literal["evidence"] = "evidence"
    kind: str = ""
    source: str = ""
    summary: str = ""
    items: list[Any] = []


class TrafficStats(JournalEvent):
    """One window of the traffic generator."""

    type: Literal["traffic.stats"] = "traffic.stats"
    window_s: float = 0.0
    sent: int = 0
    ok: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    by_kind: dict[str, Any] = {}
