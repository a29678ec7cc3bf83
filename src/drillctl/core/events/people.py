"""What people and drillctl said: the responder, hypotheses, verdicts, the game master."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict

from drillctl.core.events.base import Claim, JournalEvent
from drillctl.core.states import ChangeKind

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
