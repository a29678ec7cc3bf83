"""Container and service events of a stack, as the engine journals ``container`` events.

Task containers carry the stack's label, so their lifecycle (die, start, kill, health_status...)
comes as on compose, named by the short service name. Service events (create, update, remove:
scale, forced update, env change) carry only the service's name, so they are asked for by type
and kept when the name belongs to the stack; their action reads ``service update``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import docker
import docker.errors

from drillctl.core.clock import Clock
from drillctl.core.errors import TargetError
from drillctl.target.base import ContainerEvent
from drillctl.target.events import ACTIONS
from drillctl.target.swarm_spec import SERVICE_NAME_LABEL, STACK_LABEL


class SwarmEventStream(Iterator[ContainerEvent]):
    """Iterates the stack's events until ``close()`` is called (from any thread)."""

    def __init__(self, sdk: docker.DockerClient, stack: str, since: datetime, clock: Clock) -> None:
        filters = {"type": ["container", "service"], "event": [*ACTIONS, "update", "remove"]}
        try:
            self._raw = sdk.events(since=since, filters=filters, decode=True)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot follow docker events: {exc}") from exc
        self._stack = stack
        self._clock = clock

    def __iter__(self) -> SwarmEventStream:
        return self

    def __next__(self) -> ContainerEvent:
        while True:
            try:
                raw = next(self._raw)
            except (docker.errors.DockerException, OSError, ValueError, AttributeError) as exc:
                raise StopIteration from exc  # closed under our feet: the stream is over
            event = to_swarm_event(raw, self._stack, self._clock)
            if event is not None:
                return event

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()


def to_swarm_event(raw: dict[str, Any], stack: str, clock: Clock) -> ContainerEvent | None:
    """The event when it belongs to ``stack``, else None."""
    actor = raw.get("Actor", {}) or {}
    attrs = actor.get("Attributes", {}) or {}
    action = str(raw.get("Action") or raw.get("status") or "?")
    prefix = f"{stack}_"
    if raw.get("Type") == "service":
        name = str(attrs.get("name", ""))
        if not name.startswith(prefix):
            return None
        return ContainerEvent(name.removeprefix(prefix), f"service {action}", clock.now(), "")
    if attrs.get(STACK_LABEL) != stack:
        return None
    service = str(attrs.get(SERVICE_NAME_LABEL, "?")).removeprefix(prefix)
    return ContainerEvent(service, action, clock.now(), str(actor.get("ID") or "")[:12])
