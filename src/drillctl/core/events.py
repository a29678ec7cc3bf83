"""The journal's contract: one frozen model per event type, a discriminated union on ``type``.

A journal line is ``{"seq", "ts", "mono", "type", "data": {...}}`` (the 0.1.0 layout, kept);
in memory an event is flat: ``event.signal``, not ``event.data["signal"]``. Write with
``journal.append(Symptom(signal=..., ...))`` (the journal stamps ``seq``, ``ts``, ``mono``);
read with ``read_journal(path)``, which gives models and counts the lines it could not read.

To add an event type: a model here (``type: Literal[...]``, a docstring saying what it means),
listed in ``Event`` below; ``docs/reference/journal.md`` is generated from these docstrings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

# the enums live in core.states (no pydantic, for the error table); readers import them from here
from drillctl.core.states import AlertState as AlertState
from drillctl.core.states import ChangeKind as ChangeKind
from drillctl.core.states import FaultState as FaultState
from drillctl.core.states import Phase as Phase
from drillctl.core.states import RevertedBy as RevertedBy
from drillctl.core.states import RunResult as RunResult

SCHEMA_VERSION = 2  # of the journal; absent in run.started means 1 (drillctl 0.1.0)
ENVELOPE = frozenset({"seq", "ts", "mono", "type"})
UNSET = datetime(1970, 1, 1, tzinfo=UTC)


class Claim(BaseModel):
    """A root-cause hypothesis as fields: the service, the kind of change, the signals it
    explains, the evidence it rests on (short sentences), and the sentence stating it."""

    model_config = ConfigDict(frozen=True)

    service: str | None = None
    kind: ChangeKind | None = None
    source: str | None = None  # for a surge: the peer address the traffic came from
    signals: list[str] = []
    evidence: list[str] = []
    sentence: str = ""


class JournalEvent(BaseModel):
    """One line of the journal: its sequence number, wall-clock time (UTC) and monotonic time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = 0  # set by the journal when appended
    ts: datetime = UNSET
    mono: float = 0.0
    type: str
    data_keys: ClassVar[dict[str, str]] = {}  # field name -> its key in the line's data
    always_written: ClassVar[tuple[str, ...]] = ()  # written even when left at the default

    @property
    def data(self) -> dict[str, Any]:
        """The event's own fields, as the line's ``data`` object."""
        # only what was given: a line read back gives the same data, no added nulls
        fields = self.model_dump(mode="json", exclude=set(ENVELOPE), exclude_unset=True)
        fields |= {name: getattr(self, name) for name in self.always_written}
        return {self.data_keys.get(k, k): v for k, v in fields.items()}


# --- run lifecycle ---------------------------------------------------------------------------


class RunStarted(JournalEvent):
    """The first event. ``scenario`` is {name, title, severity, description, objective,
    root_cause{summary, keywords}, runbook}; ``target`` {driver, project, project_dir, files,
    services[{service, container, state, image, image_id, image_created, definition_sha256}]};
    ``dashboards`` {title: url} are deep links for the drill window. A blind drill masks the
    scenario here and reveals it in ``blind.revealed``."""

    type: Literal["run.started"] = "run.started"
    always_written: ClassVar[tuple[str, ...]] = ("schema_version",)
    schema_version: int = SCHEMA_VERSION
    run_id: str = ""
    scenario: dict[str, Any] = {}
    scenario_file: str | None = None
    mode: Literal["interactive", "unattended"] = "unattended"
    operator: str | None = None
    target: dict[str, Any] = {}
    seed: int | None = None
    blind: bool = False
    drillctl_version: str | None = None
    dashboards: dict[str, str] = {}


class PhaseStarted(JournalEvent):
    """The engine entered a phase."""

    type: Literal["phase"] = "phase"
    phase: Phase


class RunEnded(JournalEvent):
    """The last event: the result, the process exit code, and why."""

    type: Literal["run.ended"] = "run.ended"
    exit_code: int = 0
    reason: str = ""
    result: RunResult


# --- faults: ``fault`` is the 0-based index of the fault in the scenario, ``id`` its name ----


class _FaultEvent(JournalEvent):
    fault: int = 0
    id: str = ""


class FaultInjectStarted(_FaultEvent):
    """Written BEFORE the fault acts: ``plan`` (one line) and ``undo`` (enough for a later
    process, `drillctl recover`, to revert)."""

    type: Literal["fault.inject-started"] = "fault.inject-started"
    # the line's ``data.type``: renamed here, ``type`` is the event's own
    data_keys: ClassVar[dict[str, str]] = {"fault_type": "type"}
    fault_type: str = ""
    plan: str = ""
    undo: dict[str, Any] = {}


class FaultInjected(_FaultEvent):
    """The fault acts; ``result`` is what the plugin reported (a pid, a storm's counts...).
    ``effective_at`` (ISO 8601) is when it took effect (a stop's ``die``, a recreate's new
    ``start``, an exec's return, a storm's first answered handshake: faults/_effective.py); the
    engine holds the fault, and reports time detection, from there. ``took``: the fault
    command's own duration in words when worth telling ("ebit-api took 10.2 s to stop: ...")."""

    type: Literal["fault.injected"] = "fault.injected"
    result: dict[str, Any] = {}
    effective_at: str | None = None
    took: str | None = None


class FaultInjectFailed(_FaultEvent):
    """The fault could not be injected."""

    type: Literal["fault.inject-failed"] = "fault.inject-failed"
    error: str = ""


class FaultRevertStarted(_FaultEvent):
    """A revert began; ``by`` says who asked for it."""

    type: Literal["fault.revert-started"] = "fault.revert-started"
    by: RevertedBy


class FaultReverted(_FaultEvent):
    """The fault is undone."""

    type: Literal["fault.reverted"] = "fault.reverted"
    result: dict[str, Any] = {}


class FaultRevertFailed(_FaultEvent):
    """The revert failed: ``state`` is what the stack is left in, ``todo`` what to run."""

    type: Literal["fault.revert-failed"] = "fault.revert-failed"
    error: str = ""
    state: str = ""
    todo: str = ""


# --- the target --------------------------------------------------------------------------------


class Container(JournalEvent):
    """A container event from the target (die, start, stop, kill, pause, unpause,
    health_status...); ``at`` is the engine's own time, ISO 8601."""

    type: Literal["container"] = "container"
    service: str | None = None
    action: str = ""
    at: str | None = None
    container_id: str | None = None


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
    """What the drill gathered: ``kind`` log, trace, dashboard, runbook, probe or storm; or, at
    the start, ``change`` (the last releases that touched a watched route, or, source ``target``,
    what the services run differently since the last drill) and ``security`` (the area's
    findings as {id, category, score, status} only)."""

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


# --- the responder, the game master, verdicts --------------------------------------------------


class ResponderAck(JournalEvent):
    """The responder acknowledged the page."""

    type: Literal["responder.ack"] = "responder.ack"


class ResponderPage(JournalEvent):
    """The responder paged for help."""

    type: Literal["responder.page"] = "responder.page"


class ResponderRevert(JournalEvent):
    """The responder asked for the revert."""

    type: Literal["responder.revert"] = "responder.revert"


class ResponderAbort(JournalEvent):
    """The responder aborted the drill."""

    type: Literal["responder.abort"] = "responder.abort"


class ResponderHypothesis(JournalEvent):
    """The responder's stated hypothesis of the cause."""

    type: Literal["responder.hypothesis"] = "responder.hypothesis"
    text: str = ""
    service: str | None = None  # picked in the panel, with the kind of change
    kind: ChangeKind | None = None


class ResponderDecision(JournalEvent):
    """A decision the responder wrote down."""

    type: Literal["responder.decision"] = "responder.decision"
    text: str = ""


class ResponderNote(JournalEvent):
    """A note the responder wrote down."""

    type: Literal["responder.note"] = "responder.note"
    text: str = ""


class ResponderChecklist(JournalEvent):
    """The responder ticked a checklist item."""

    type: Literal["responder.checklist"] = "responder.checklist"
    item: str = ""


class HypothesisAuto(JournalEvent):
    """drillctl's own hypothesis from the evidence, and how long it took to form."""

    type: Literal["hypothesis.auto"] = "hypothesis.auto"
    text: str = ""
    evidence: list[Any] = []
    seconds: float | None = None
    claim: Claim | None = None  # the same hypothesis as fields (absent before 0.2)


class HypothesisVerdict(JournalEvent):
    """Whether a hypothesis named the root cause; ``by`` is "drillctl" or a person's name."""

    type: Literal["hypothesis.verdict"] = "hypothesis.verdict"
    matched: bool = False
    keywords_hit: list[str] = []
    by: str = "drillctl"
    compared: dict[str, Any] = {}  # field -> {"expected", "stated", "matched"} (a fields verdict)


class Expectation(JournalEvent):
    """One expectation of the scenario, checked after the revert."""

    type: Literal["expectation"] = "expectation"
    name: str = ""
    passed: bool = False
    detail: str = ""
    expected: Any = None
    actual: Any = None


class Guardrail(JournalEvent):
    """A guardrail stopped the fault or the drill."""

    type: Literal["guardrail"] = "guardrail"
    name: str = ""
    reason: str = ""


class GmHint(JournalEvent):
    """The game master gave a hint."""

    type: Literal["gm.hint"] = "gm.hint"
    text: str = ""
    by: str = ""


class GmExtend(JournalEvent):
    """The game master extended the drill by ``seconds``."""

    type: Literal["gm.extend"] = "gm.extend"
    seconds: float | None = None
    by: str = ""


class GmEndFault(JournalEvent):
    """The game master ended the fault now."""

    type: Literal["gm.end-fault"] = "gm.end-fault"
    by: str = ""


class GmVerdict(JournalEvent):
    """The game master judged the responder's hypothesis."""

    type: Literal["gm.verdict"] = "gm.verdict"
    verdict: Literal["correct", "incorrect"] | None = None
    by: str = ""


class GmDebrief(JournalEvent):
    """The game master's debrief."""

    type: Literal["gm.debrief"] = "gm.debrief"
    text: str = ""
    by: str = ""


class BlindRevealed(JournalEvent):
    """Just before ``run.ended`` of a blind drill: what was hidden (the scenario's name, title,
    faults, signals, candidates, seed...)."""

    model_config = ConfigDict(extra="allow")
    type: Literal["blind.revealed"] = "blind.revealed"
    scenario: str = ""


# --- suites ------------------------------------------------------------------------------------


class SuiteSettle(JournalEvent):
    """A suite waits for the stack to settle before the next scenario."""

    type: Literal["suite.settle"] = "suite.settle"
    before: str = ""
    hold_s: float = 0.0


class SuiteWaiting(JournalEvent):
    """What the suite is still waiting for."""

    type: Literal["suite.waiting"] = "suite.waiting"
    reasons: list[str] = []


class SuiteSettled(JournalEvent):
    """The settle period ended (``settled`` false: it timed out)."""

    type: Literal["suite.settled"] = "suite.settled"
    before: str = ""
    seconds: float = 0.0
    settled: bool = False
    waiting_for: list[str] = []


# the families some readers treat alike (the panel's and the game master's last-words lines)
RESPONDER_EVENTS = (
    ResponderAck,
    ResponderPage,
    ResponderRevert,
    ResponderAbort,
    ResponderHypothesis,
    ResponderDecision,
    ResponderNote,
    ResponderChecklist,
)
RESPONDER_WORDS = (ResponderHypothesis, ResponderDecision, ResponderNote)
GM_EVENTS = (GmHint, GmExtend, GmEndFault, GmVerdict, GmDebrief)


Event = Annotated[
    RunStarted
    | PhaseStarted
    | RunEnded
    | FaultInjectStarted
    | FaultInjected
    | FaultInjectFailed
    | FaultRevertStarted
    | FaultReverted
    | FaultRevertFailed
    | Container
    | SourceUnavailable
    | SourceAvailable
    | Baseline
    | Sample
    | Onset
    | Symptom
    | Recovered
    | Alert
    | SilenceCreated
    | SilenceExpired
    | Evidence
    | TrafficStats
    | ResponderAck
    | ResponderPage
    | ResponderRevert
    | ResponderAbort
    | ResponderHypothesis
    | ResponderDecision
    | ResponderNote
    | ResponderChecklist
    | HypothesisAuto
    | HypothesisVerdict
    | Expectation
    | Guardrail
    | GmHint
    | GmExtend
    | GmEndFault
    | GmVerdict
    | GmDebrief
    | BlindRevealed
    | SuiteSettle
    | SuiteWaiting
    | SuiteSettled,
    Field(discriminator="type"),
]


def event_models() -> list[type[JournalEvent]]:
    """Every event type, in the order of ``Event``."""
    union = Event.__origin__  # type: ignore[attr-defined]
    return list(union.__args__)


E = TypeVar("E", bound=JournalEvent)


def of_type(events: Iterable[JournalEvent], model: type[E]) -> list[E]:
    """The events of one type, in journal order, typed: ``of_type(events, Symptom)``."""
    return [e for e in events if isinstance(e, model)]


def first_of(events: Iterable[JournalEvent], model: type[E]) -> E | None:
    return next((e for e in events if isinstance(e, model)), None)


def type_of(model: type[JournalEvent]) -> str:
    """The ``type`` a model is written with (for the few readers that scan raw lines)."""
    return str(model.model_fields["type"].default)
