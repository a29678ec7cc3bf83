"""The drill summary: every figure a report shows, computed once from the journal by ``summarize``.

All instants are aware UTC datetimes; all durations are float seconds (``None`` = did not happen).
The renderers (Slack, Markdown, JSON, JUnit, chart) and the history index read only this model, so
they agree with each other by construction. Free text (hypotheses, notes, evidence) is kept as
written; each renderer escapes it for its own format.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

HYPOTHESIS_TARGET_S = 600.0  # DESIGN.md: symptom to root-cause hypothesis in under 10 minutes

# passed | failed | aborted | revert-failed | not-steady | invalid (from run.ended), and two of the
# report's own: incomplete (interactive, engine passed, no ack or hypothesis), unfinished (no end)
RESULTS = (
    "passed",
    "failed",
    "aborted",
    "revert-failed",
    "not-steady",
    "invalid",
    "incomplete",
    "unfinished",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Moments(_Frozen):
    """When each milestone happened (first occurrence), ``None`` when it never did."""

    started: datetime | None = None
    injected: datetime | None = None
    effective: datetime | None = None  # when the last fault took effect (its ``effective_at``)
    symptom: datetime | None = None  # the detect mark of the first primary symptom
    acknowledged: datetime | None = None
    hypothesis: datetime | None = None
    first_revert: datetime | None = None
    recovered: datetime | None = None
    ended: datetime | None = None
    revealed: datetime | None = None


class Durations(_Frozen):
    """The key durations of DESIGN.md, in seconds.

    Each is defined once in ``report/figures.py`` (and docs/figures.md). ``hypothesis_s`` is the
    one the run is judged by (the responder's in an interactive run, drillctl's otherwise);
    ``hypothesis_responder_s`` and ``hypothesis_drillctl_s`` time each apart. ``mitigate_from``
    says where the mitigate clock started (symptom, or injection when no symptom was detected);
    ``nothing_to_revert``: an instant fault, no mitigate time.
    For blind drills, ``hypothesis_unaided_s`` is how long the responder worked without help
    (symptom → first hint, or the whole time to hypothesis when no hint came before it) and
    ``hypothesis_without_hints_s`` is the time to hypothesis only when no hint preceded it.
    """

    detect_s: float | None = None
    acknowledge_s: float | None = None
    hypothesis_s: float | None = None
    hypothesis_responder_s: float | None = None
    hypothesis_drillctl_s: float | None = None
    hypothesis_target_s: float = HYPOTHESIS_TARGET_S
    hypothesis_within_target: bool | None = None
    hypothesis_unaided_s: float | None = None
    hypothesis_without_hints_s: float | None = None
    hints_before_hypothesis: int = 0
    mitigate_s: float | None = None
    mitigate_from: str | None = None
    nothing_to_revert: bool = False
    recover_s: float | None = None
    drill_s: float | None = None


class AlertSummary(_Frozen):
    name: str
    source: str | None = None
    pending_at: datetime | None = None
    fired_at: datetime | None = None
    resolved_at: datetime | None = None
    latency_s: float | None = None  # inject → first seen firing
    # fired while the drill's Alertmanager silence held it ([drill] silence); not in report.json
    # yet: its fields are pinned (#17 owns them); Slack and Markdown say it
    silenced: bool = Field(default=False, exclude=True)
    # first seen firing before the fault was injected: not the drill's doing (same pinning)
    before_injection: bool = Field(default=False, exclude=True)


class SignalSummary(_Frozen):
    name: str
    unit: str | None = None
    baseline: float | None = None
    spread: float | None = None
    peak: float | None = None  # the sample furthest from the baseline during the drill
    peak_at: datetime | None = None
    no_data: str | None = None  # why there was no baseline (too few numeric samples), else None
    samples: int = 0
    symptom_at: datetime | None = None
    symptom_value: float | None = None
    rule: str | None = None
    recovered_at: datetime | None = None

    @property
    def extreme_word(self) -> str:
        """``peak`` for a rise above the baseline, ``low`` for a drop below it."""
        if self.peak is None or self.baseline is None:
            return "peak"
        return "low" if self.peak < self.baseline else "peak"


class FaultSummary(_Frozen):
    index: int
    id: str
    type: str | None = None
    plan: str | None = None
    injected_at: datetime | None = None
    effective_at: datetime | None = None  # when the fault took effect (die, start, first handshake)
    took: str | None = None  # the fault command's own duration, in words, when worth telling
    inject_error: str | None = None
    revert_started_at: datetime | None = None
    revert_by: str | None = None
    reverted_at: datetime | None = None
    revert_error: str | None = None
    left_state: str | None = None
    todo: str | None = None


class Expectation(_Frozen):
    name: str
    passed: bool
    detail: str | None = None
    expected: Any = None
    actual: Any = None
    at: datetime | None = None


class Hypothesis(_Frozen):
    text: str
    at: datetime
    by: str  # the operator's name, or "drillctl" for an unattended run's own hypothesis
    seconds: float | None = None  # hypothesis.auto: how long drillctl took to form it
    evidence: list[Any] = []


class Verdict(_Frozen):
    matched: bool
    by: str
    at: datetime
    keywords_hit: list[str] = []


class Evidence(_Frozen):
    kind: str
    source: str | None = None
    summary: str
    items: list[Any] = []
    at: datetime


RemarkKind = Literal[
    "hint", "decision", "note", "checklist", "page", "debrief", "extend", "end-fault"
]


class Remark(_Frozen):
    """A hint, decision, note, checklist tick, page, debrief or game-master action."""

    kind: RemarkKind
    text: str
    by: str | None = None
    at: datetime


class Traffic(_Frozen):
    sent: int = 0
    ok: int = 0
    errors: int = 0
    p95_ms_max: float | None = None


class Reveal(_Frozen):
    scenario: str
    at: datetime
    details: dict[str, Any] = {}


class TimelineEntry(_Frozen):
    at: datetime
    type: str
    text: str  # plain text; renderers escape it


class DrillSummary(_Frozen):
    run_id: str
    unreadable_lines: int = 0  # journal lines that could not be read (torn, unknown, invalid)
    scenario: str
    title: str | None = None
    severity: str | None = None
    description: str | None = None
    root_cause: str | None = None
    runbook: str | None = None
    mode: str | None = None
    operator: str | None = None
    driver: str | None = None
    project: str | None = None
    seed: int | None = None
    blind: bool = False
    drillctl_version: str | None = None
    result: str  # one of RESULTS
    engine_result: str | None = None  # as journalled in run.ended
    exit_code: int | None = None
    reason: str | None = None
    issues: list[str] = []  # why an interactive drill is not a pass despite the engine's result
    at: Moments
    durations: Durations
    first_revert_by: str | None = None
    faults: list[FaultSummary] = []
    signals: list[SignalSummary] = []
    alerts: list[AlertSummary] = []
    expectations: list[Expectation] = []
    hypotheses: list[Hypothesis] = []
    hypothesis: Hypothesis | None = None  # the one that counts: the latest stated
    auto_hypothesis: Hypothesis | None = None  # drillctl's own, also in interactive runs
    verdict: Verdict | None = None  # latest wins: a team lead's --judge overrides drillctl's
    evidence: list[Evidence] = []
    remarks: list[Remark] = []
    reveal: Reveal | None = None
    unavailable_sources: dict[str, str] = {}
    traffic: Traffic | None = None
    jobs_lost: float | None = None
    dashboards: dict[str, str] = {}
    timeline: list[TimelineEntry] = []

    @property
    def journal_words(self) -> str:
        """What every report says about the journal's unreadable lines."""
        if not self.unreadable_lines:
            return "every journal line read"
        n = self.unreadable_lines
        return f"{n} journal line{'s' if n != 1 else ''} could not be read and left out"

    @property
    def hypothesis_by(self) -> str:
        """Whose hypothesis the run's time to hypothesis is: the responder's or drillctl's."""
        if self.hypothesis is not None:
            return self.hypothesis.by
        return "responder" if self.mode == "interactive" else "drillctl"

    @property
    def hints(self) -> list[Remark]:
        return [r for r in self.remarks if r.kind == "hint"]

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        """The drill window (start → end, or the last event when the run did not end)."""
        start = self.at.started or (self.timeline[0].at if self.timeline else None)
        end = self.at.ended or (self.timeline[-1].at if self.timeline else None)
        return (start, end) if start and end else None
