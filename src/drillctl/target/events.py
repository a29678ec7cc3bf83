"""Container events of a compose project, and the pump that hands them to the engine.

The stream comes from the docker SDK and blocks, so the pump reads it in a worker thread; each
event carries the engine's own time of receipt (not the daemon's), as the journal requires. The
engine journals them (this layer imports no journal, only its event model)::

    task = asyncio.create_task(follow_container_events(
        driver, since, lambda e: journal.append(journal_event(e))))
    ...
    task.cancel()

Only lifecycle actions are asked for: ``exec_*`` events are left out, their command lines may hold
secrets (``redis-cli -a cache``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import docker
import docker.errors

from drillctl.core.clock import Clock
from drillctl.core.errors import TargetError
from drillctl.core.events import Container
from drillctl.target.base import ContainerEvent, TargetDriver

ACTIONS = [
    "create",
    "start",
    "restart",
    "die",
    "stop",
    "kill",
    "pause",
    "unpause",
    "oom",
    "destroy",
    "health_status",
]


class EventStream(Iterator[ContainerEvent]):
    """Iterates container events until ``close()`` is called (from any thread)."""

    def __init__(
        self, sdk: docker.DockerClient, project: str, since: datetime, clock: Clock
    ) -> None:
        filters = {
            "type": "container",
            "label": [f"com.docker.compose.project={project}"],
            "event": ACTIONS,
        }
        try:
            self._raw = sdk.events(since=since, filters=filters, decode=True)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot follow docker events: {exc}") from exc
        self._clock = clock

    def __iter__(self) -> EventStream:
        return self

    def __next__(self) -> ContainerEvent:
        try:
            raw = next(self._raw)
        except (docker.errors.DockerException, OSError, ValueError, AttributeError) as exc:
            raise StopIteration from exc  # closed under our feet: the stream is over
        return to_event(raw, self._clock)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()


def to_event(raw: dict[str, Any], clock: Clock) -> ContainerEvent:
    actor = raw.get("Actor", {})
    attrs = actor.get("Attributes", {}) or {}
    return ContainerEvent(
        service=attrs.get("com.docker.compose.service", attrs.get("name", "?")),
        action=str(raw.get("Action") or raw.get("status") or "?"),
        at=clock.now(),
        container_id=str(actor.get("ID") or raw.get("id") or "")[:12],
        exit_code=int(attrs["exitCode"]) if str(attrs.get("exitCode", "")).isdigit() else None,
    )


def journal_event(event: ContainerEvent) -> Container:
    """The journal's ``container`` event for one Docker event."""
    return Container(
        service=event.service,
        action=event.action,
        at=event.at.isoformat(),
        container_id=event.container_id,
    )


async def follow_container_events(
    driver: TargetDriver, since: datetime, sink: Callable[[ContainerEvent], object]
) -> None:
    """Call ``sink`` (in the event loop) for each container event until cancelled."""
    stream = await asyncio.to_thread(driver.events, since)
    queue: asyncio.Queue[ContainerEvent | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def pump() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed first: nobody is listening
            for event in stream:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            loop.call_soon_threadsafe(queue.put_nowait, None)

    reader = loop.run_in_executor(None, pump)
    try:
        while (event := await queue.get()) is not None:
            sink(event)
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(reader), 2.0)
