"""kill-service: send a signal to a service's containers (default SIGKILL); revert starts it."""

from __future__ import annotations

import signal
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from drillctl.core.durations import Duration
from drillctl.faults._aio import blocking
from drillctl.faults._effective import ContainerWatch, effects
from drillctl.faults._service import ServiceFault, for_duration, state_dict
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class KillServiceParams(FaultParams):
    type: Literal["kill-service"]
    service: str
    signal: str = "SIGKILL"
    duration: Duration | None = None  # how long it stays down before the revert starts it

    @field_validator("signal")
    @classmethod
    def _known_signal(cls, value: str) -> str:
        name = value.upper() if value.upper().startswith("SIG") else f"SIG{value.upper()}"
        if name not in signal.Signals.__members__:
            raise ValueError(f"{value!r} is not a signal name such as SIGKILL, SIGTERM, SIGHUP")
        return name


class KillService(ServiceFault):
    type_name: ClassVar[str] = "kill-service"
    params_model: ClassVar[type[FaultParams]] = KillServiceParams
    params: KillServiceParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"send {p.signal} to service {p.service}{for_duration(p.duration)}",
            targets=[p.service],
            duration=p.duration,
            revert=f"start service {p.service} if it is not running",
        )

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        async with ContainerWatch(env, self.service) as watch:
            await blocking(env.target.kill, self.service, self.params.signal)
        returned, died = env.clock.now(), await watch.wait_for("die")
        return {
            "signal": self.params.signal,
            **state_dict(await blocking(env.target.state, self.service)),
            **effects(returned, died),
        }

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        return await cls.ensure_running(env, undo)
