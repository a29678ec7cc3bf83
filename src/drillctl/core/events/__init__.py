"""The journal's contract: one frozen model per event type, a discriminated union on ``type``.

A journal line is ``{"seq", "ts", "mono", "type", "data": {...}}`` (the 0.1.0 layout, kept);
in memory an event is flat: ``event.signal``, not ``event.data["signal"]``. Write with
``journal.append(Symptom(signal=..., ...))`` (the journal stamps ``seq``, ``ts``, ``mono``);
read with ``read_journal(path)``, which gives models and counts the lines it could not read.

To add an event type: a model in the module of its family (``lifecycle``, ``observations``,
``people``; ``type: Literal[...]``, a docstring saying what it means), listed in ``Event`` below;
``docs/reference/journal.md`` is generated from these docstrings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, TypeVar

from pydantic import Field

from drillctl.core.events.base import ENVELOPE as ENVELOPE
from drillctl.core.events.base import SCHEMA_VERSION as SCHEMA_VERSION
from drillctl.core.events.base import UNSET as UNSET
from drillctl.core.events.base import Claim as Claim
from drillctl.core.events.base import JournalEvent as JournalEvent
from drillctl.core.events.lifecycle import (
    Container,
    FaultInjected,
    FaultInjectFailed,
    FaultInjectStarted,
    FaultReverted,
    FaultRevertFailed,
    FaultRevertStarted,
    PhaseStarted,
    RunEnded,
    RunStarted,
    SuiteSettle,
    SuiteSettled,
    SuiteWaiting,
)
from drillctl.core.events.observations import (
    Alert,
    Baseline,
    Evidence,
    Onset,
    Recovered,
    Sample,
    SilenceCreated,
    SilenceExpired,
    SourceAvailable,
    SourceUnavailable,
    Symptom,
    TrafficStats,
)
from drillctl.core.events.people import (
    BlindRevealed,
    Expectation,
    GmDebrief,
    GmEndFault,
    GmExtend,
    GmHint,
    GmVerdict,
    Guardrail,
    HypothesisAuto,
    HypothesisVerdict,
    ResponderAbort,
    ResponderAck,
    ResponderChecklist,
    ResponderDecision,
    ResponderHypothesis,
    ResponderNote,
    ResponderPage,
    ResponderRevert,
)

# the enums live in core.states (no pydantic, for the error table); readers import them from here
from drillctl.core.states import AlertState as AlertState
from drillctl.core.states import ChangeKind as ChangeKind
from drillctl.core.states import FaultState as FaultState
from drillctl.core.states import Phase as Phase
from drillctl.core.states import RevertedBy as RevertedBy
from drillctl.core.states import RunResult as RunResult

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
