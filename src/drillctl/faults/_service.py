"""What the faults on one compose service share: the live check, the recorded state, the revert.

Every service fault validates its service against the live project before anything is injected
(an unknown service is a ``PreflightError`` that lists the services that exist) and records the
service's state before the fault, so the revert can put back exactly that and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar

from drillctl.core.durations import format_duration
from drillctl.core.errors import PreflightError, TargetError
from drillctl.faults._aio import blocking
from drillctl.faults._effective import ContainerWatch, effects, stopping_words
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan
from drillctl.target.base import ServiceState

# how long a revert waits for the service to be running (and healthy, if it has a healthcheck)
REVERT_WAIT_S = 60.0


async def require_service(env: FaultEnv, service: str) -> ServiceState:
    """The live state of ``service``; if unknown, a ``PreflightError`` naming the services."""
    services = await blocking(env.target.services)
    if service not in services:
        known = ", ".join(sorted(services)) or "(none)"
        raise PreflightError(
            f"service {service!r} is not defined in the project; services: {known}",
            hint="check the scenario's fault 'service' (or --set the variable that names it)",
        )
    return await blocking(env.target.state, service)


def for_duration(duration: timedelta | None) -> str:
    return f" for {format_duration(duration)}" if duration else ""


def state_dict(state: ServiceState) -> dict[str, Any]:
    return {
        "state": state.state,
        "running": state.running,
        "containers": state.containers,
        "health": state.health,
    }


class ServiceFault:
    """Base of the four service-lifecycle faults (stop, kill, pause, restart).

    A subclass sets ``type_name``, ``params_model``, ``verb`` (its action in words; or overrides
    ``doing``), ``revert_words`` (how it is put back; ``{service}`` is filled in) and
    ``revert_verb`` when not ``start``, and implements ``act``, the one driver call. The live
    check, the undo record, the plan and, unless it overrides it, the revert (start the service
    again if it ran before the fault) are shared.
    """

    type_name: ClassVar[str]
    params_model: ClassVar[type[FaultParams]]
    verb: ClassVar[str]
    revert_words: ClassVar[str] = "start service {service}"
    revert_verb: ClassVar[str] = "start"  # the `docker compose` verb that reverts it by hand

    def __init__(self, params: Any) -> None:
        self.params = params
        self._before: ServiceState | None = None

    @property
    def service(self) -> str:
        return str(self.params.service)

    def doing(self) -> str:
        return f"{self.verb} service {self.service}"

    def plan(self) -> FaultPlan:
        duration = self.params.hold_for()
        return FaultPlan(
            action=f"{self.doing()}{for_duration(duration)}",
            targets=[self.service],
            duration=duration,
            revert=self.revert_words.format(service=self.service),
            by_hand=(self.revert_verb, self.service),
        )

    async def check(self, env: FaultEnv) -> None:
        self._before = await require_service(env, self.service)

    def undo(self) -> dict[str, Any]:
        before = self._before
        return {
            "service": self.service,
            "running_before": None if before is None else before.running,
        }

    async def act(self, env: FaultEnv) -> dict[str, Any]:
        """The driver call that is the fault; returns what it adds to the result."""
        raise NotImplementedError

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        done = await self.act(env)
        return {**state_dict(await blocking(env.target.state, self.service)), **done}

    async def until_it_dies(
        self, env: FaultEnv, call: Callable[..., object], *args: Any, stopping: bool = False
    ) -> dict[str, Any]:
        """Run ``call(service, *args)``; the fault took effect at the container's ``die``."""
        async with ContainerWatch(env, self.service) as watch:
            began = env.clock.now()
            await blocking(call, self.service, *args)
        returned, died = env.clock.now(), await watch.wait_for("die")
        took = stopping_words(self.service, began, died) if stopping else None
        return effects(returned, died, took)

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        return await cls.ensure_running(env, undo)

    @classmethod
    async def ensure_running(cls, env: FaultEnv, undo: dict[str, Any]) -> dict[str, Any]:
        """Start the service again unless it was not running before the fault (idempotent)."""
        service = undo["service"]
        if undo.get("running_before") == 0:
            return {"skipped": "the service was not running before the fault"}
        await blocking(env.target.start, service)
        return state_dict(await wait_running(env, service))

    @classmethod
    def manual_revert(cls, env: FaultEnv, undo: dict[str, Any]) -> str:
        """What a person runs when the revert failed: bring the service back from its definition."""
        service = undo["service"]
        return f"bring {service} back: {env.target.command_line('up', '-d', service)}"


async def wait_running(env: FaultEnv, service: str, timeout: float = REVERT_WAIT_S) -> ServiceState:
    """Wait until every container of the service runs (not for health: the engine observes that)."""
    deadline = env.clock.monotonic() + timeout
    while True:
        state = await blocking(env.target.state, service)
        if state.containers and state.running == state.containers:
            return state
        if not state.containers:  # no container will appear by itself: say so now
            raise TargetError(f"service {service} has no container (removed?): nothing to start")
        if env.clock.monotonic() >= deadline:
            raise TargetError(
                f"service {service} is {state.state} ({state.running}/{state.containers} running)"
            )
        await env.clock.sleep(0.25)
