"""When a fault took effect, and how long its own command took (``effective_at``, ``took``).

A fault's command is not its effect: ``docker compose stop`` on a service that ignores SIGTERM
returns after the grace period, and a recreate returns before the new container runs. The engine
holds the fault, and times detection, from the moment it took effect:

- stop/kill: the container's ``die`` event;
- env-override: the new container's ``start`` event;
- exec: the command's return (the default: the moment ``inject`` returned);
- ws-storm: the first refused or accepted handshake (the storm process marks it in a file).

A fault returns ``effects(...)`` merged into its result; the fault stack lifts ``effective_at``
and ``took`` onto the ``fault.injected`` event (drill/rollback.py ``injected_fields``).

    async with ContainerWatch(env, service) as watch:
        began = env.clock.now()
        await blocking(env.target.stop, service)
    returned, died = env.clock.now(), await watch.wait_for("die")
    return {**state, **effects(returned, died, stopping_words(service, began, died))}
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from drillctl.faults.base import FaultEnv
from drillctl.target.base import ContainerEvent

if TYPE_CHECKING:
    import asyncio

# asyncio is imported where a watch runs: `validate` imports the fault modules its file names
# (for their parameter models) and never runs one.

WAIT_S = 3.0  # how long after the command returns an event may still arrive
SIGKILL_EXIT = 137
WORTH_TELLING_S = 2.0  # a command quicker than this is not a finding


class ContainerWatch:
    """The container events of one service from just before a fault's command."""

    def __init__(self, env: FaultEnv, service: str) -> None:
        self.env, self.service = env, service
        import asyncio

        self.seen: list[ContainerEvent] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ContainerWatch:
        # imported here: the docker SDK is heavy, and `validate` loads the fault modules
        import asyncio

        from drillctl.target.events import follow_container_events

        since = self.env.clock.now()
        self._task = asyncio.ensure_future(
            follow_container_events(self.env.target, since, self._sink)
        )
        self._task.add_done_callback(lambda _: self._changed.set())  # the stream ended: say so
        await asyncio.sleep(0)  # let the stream open before the command runs
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            await self.close()

    def _sink(self, event: ContainerEvent) -> None:
        if event.service == self.service:
            self.seen.append(event)
            self._changed.set()

    async def wait_for(self, action: str, timeout: float = WAIT_S) -> ContainerEvent | None:
        """The first ``action`` event of the service (waiting a little for it), then stop."""
        import asyncio

        deadline = asyncio.get_running_loop().time() + timeout
        try:
            while (found := self._first(action)) is None:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0 or self._task is None or self._task.done():
                    return None
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)
            return found
        finally:
            await self.close()

    def _first(self, action: str) -> ContainerEvent | None:
        return next((e for e in self.seen if e.action == action), None)

    async def close(self) -> None:
        import asyncio

        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def effects(
    returned: datetime, effect: ContainerEvent | datetime | None, took: str | None = None
) -> dict[str, Any]:
    """The fault result's ``effective_at`` (the command's return when no effect was seen)."""
    at = effect.at if isinstance(effect, ContainerEvent) else effect
    return {"effective_at": (at or returned).isoformat(), "took": took}


def stopping_words(service: str, began: datetime, died: ContainerEvent | None) -> str | None:
    """ "ebit-api took 10.2 s to stop: it ignored SIGTERM and was killed after the grace period"."""
    if died is None or (died.at - began).total_seconds() < WORTH_TELLING_S:
        return None
    text = f"{service} took {(died.at - began).total_seconds():.1f} s to stop"
    if died.exit_code == SIGKILL_EXIT:
        text += ": it ignored SIGTERM and was killed after the grace period"
    return text


def starting_words(service: str, began: datetime, started: ContainerEvent | None) -> str | None:
    if started is None or (started.at - began).total_seconds() < WORTH_TELLING_S:
        return None
    return f"the new {service} container started {(started.at - began).total_seconds():.1f} s in"
