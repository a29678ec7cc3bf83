"""pause-service: freeze a service's processes (cgroup freezer) for a duration, then unpause."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from drillctl.core.durations import Duration
from drillctl.faults._aio import blocking
from drillctl.faults._service import ServiceFault, state_dict
from drillctl.faults.base import FaultEnv, FaultParams


class PauseServiceParams(FaultParams):
    type: Literal["pause-service"]
    service: str
    duration: Duration


class PauseService(ServiceFault):
    type_name: ClassVar[str] = "pause-service"
    params_model: ClassVar[type[FaultParams]] = PauseServiceParams
    verb: ClassVar[str] = "pause"
    revert_words: ClassVar[str] = "unpause service {service}"
    revert_verb: ClassVar[str] = "unpause"

    async def act(self, env: FaultEnv) -> dict[str, Any]:
        await blocking(env.target.pause, self.service)
        return {}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        service = undo["service"]
        state = await blocking(env.target.state, service)
        if state.state in ("paused", "mixed"):
            await blocking(env.target.unpause, service)
        return state_dict(await blocking(env.target.state, service))

    @classmethod
    def manual_revert(cls, env: FaultEnv, undo: dict[str, Any]) -> str:
        return f"unpause {undo['service']}: {env.target.command_line('unpause', undo['service'])}"
