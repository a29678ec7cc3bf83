"""The run's life: start, phases, end; each fault's injection and revert; containers; suites."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from drillctl.core.events.base import SCHEMA_VERSION, JournalEvent
from drillctl.core.states import Phase, RevertedBy, RunResult

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
    """The last event: the result, the process exit code, and why. ``recovered_by`` (``drillctl
    recover``) when the drill's process died with faults in place and they were reverted later
    from the journal: then the run ended ``aborted``, written by ``recover``, not by the drill."""

    type: Literal["run.ended"] = "run.ended"
    exit_code: int = 0
    reason: str = ""
    result: RunResult
    recovered_by: str | None = None


# --- faults: ``fault`` is the 0-based index of the fault in the scenario, ``id`` its name ----


class _FaultEvent(JournalEvent):
    fault: int = 0
    id: str = ""


class FaultInjectStarted(_FaultEvent):
    """Written BEFORE the fault acts: ``plan`` (one line), ``undo`` (enough for a later
    process, `drillctl recover`, to revert) and ``revert``, the plugin's own words for how it is
    put back ("start service ebit-api"; absent in 0.1.0 journals: read it with
    ``revert_words``)."""

    type: Literal["fault.inject-started"] = "fault.inject-started"
    # the line's ``data.type``: renamed here, ``type`` is the event's own
    data_keys: ClassVar[dict[str, str]] = {"fault_type": "type"}
    fault_type: str = ""
    plan: str = ""
    undo: dict[str, Any] = {}
    revert: str | None = None

    @property
    def revert_words(self) -> str:
        """How the fault is put back, in words; a 0.1.0 journal did not record them."""
        return self.revert or f"undo {self.plan or self.fault_type}"


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
