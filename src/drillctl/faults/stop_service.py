"""stop-service: ``docker compose stop SERVICE`` for a duration, then ``start`` it again."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from drillctl.core.durations import Duration
from drillctl.faults._aio import blocking
from drillctl.faults._effective import ContainerWatch, effects, stopping_words
from drillctl.faults._service import ServiceFault, for_duration, state_dict
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class StopServiceParams(FaultParams):
    type: Literal["stop-service"]
    service: str
    duration: Duration


class StopService(ServiceFault):
    type_name: ClassVar[str] = "stop-service"
    params_model: ClassVar[type[FaultParams]] = StopServiceParams
    params: StopServiceParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"stop service {p.service}{for_duration(p.duration)}",
            targets=[p.service],
            duration=p.duration,
            revert=f"start service {p.service}",
        )

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        async with ContainerWatch(env, self.service) as watch:
            began = env.clock.now()
            await blocking(env.target.stop, self.service)
        returned, died = env.clock.now(), await watch.wait_for("die")
        took = stopping_words(self.service, began, died)
        state = state_dict(await blocking(env.target.state, self.service))
        return {**state, **effects(returned, died, took)}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        return await cls.ensure_running(env, undo)
