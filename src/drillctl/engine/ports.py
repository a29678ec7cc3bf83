"""The engine's collaborators as small interfaces, its options and its outcome.

The engine talks to the observer, the fault stack and the traffic generator only through these,
so unit tests drive it with fakes; ``LiveJournal`` keeps the run's events in memory as well, for
the panel, the diagnosis and the expectations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from drillctl.core.events import JournalEvent
from drillctl.core.journal import Event, Journal


@dataclass(frozen=True)
class Action:
    """One thing a responder's key press did: a journal event and maybe a revert/abort command.

    It lives here, not in operator/responder.py which makes them, because the engine consumes it
    and the engine sits below the operator layer.
    """

    event: JournalEvent
    command: str | None = None  # "revert" | "abort"


class LiveJournal(Journal):
    """The run's journal, also kept in memory for the panel, the diagnosis and the expectations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[Event] = []

    def append(self, event: JournalEvent | str, **data: Any) -> Event:
        event = super().append(event, **data)
        self.events.append(event)
        return event


class FaultsPort(Protocol):
    """The scenario's faults, each its own context on the engine's stack
    (engine/scenario_faults.py over engine/rollback.py's ``FaultStack``)."""

    async def check(self) -> list[str]:
        """Problems against the live project (unknown service...); nothing is touched."""

    def holds(self) -> list[timedelta]:
        """How long each fault stays before the engine reverts it, in the scenario's order."""

    def injected(self, index: int) -> AbstractAsyncContextManager[datetime]:
        """Fault ``index`` in place for the block (undo journalled first; DrillError if it could
        not be injected, itself reverted); yields when it took effect; reverted on leaving."""

    async def revert(self, index: int, by: str) -> bool:
        """Revert one fault now; False when its revert failed."""

    async def revert_all(self, by: str) -> bool:
        """Revert what is still in place, newest first; False when any revert failed."""

    def failed(self) -> bool:
        """Whether a revert failed during the drill (the stack may be degraded)."""


class ObserverPort(Protocol):
    async def preflight(self) -> list[str]: ...
    async def collect_baseline(self, duration: timedelta) -> Any: ...
    async def poll_once(self) -> Any: ...
    def ever_symptomatic(self) -> bool: ...
    def all_recovered(self) -> bool: ...
    async def gather_evidence(self, start: datetime, end: datetime) -> Any: ...
    async def invariant(self, inv: Any) -> Any: ...
    async def aclose(self) -> None: ...


class TrafficPort(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> dict[str, Any]: ...


# the recurrence search: the symptom's text and anchors ((kind, name): the alerts, signals, metrics
# and services it names) in; the related runbooks and past runs out, apart, each ranked, each
# item {rank, path or run, title, why, passage, score}
Recurrence = Callable[[str, Sequence[tuple[str, str]]], "RecurrenceFound"]


@dataclass(frozen=True)
class RecurrenceFound:
    runbooks: Sequence[dict[str, Any]] = ()
    runs: Sequence[dict[str, Any]] = ()


@dataclass
class DrillOptions:
    run_id: str
    mode: Literal["interactive", "unattended"]
    operator: str
    max_duration: timedelta = timedelta(minutes=15)
    poll_interval: float = 1.0
    seed: int = 0
    scenario_file: str | None = None
    target: dict[str, Any] = field(default_factory=dict)
    dashboards: dict[str, str] = field(default_factory=dict)
    version: str = "0"

    @property
    def interactive(self) -> bool:
        return self.mode == "interactive"


@dataclass
class Outcome:
    exit_code: int
    result: str
    reason: str
