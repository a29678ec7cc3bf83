"""stop-service: ``docker compose stop SERVICE`` for a duration, then ``start`` it again."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from drillctl.core.durations import Duration
from drillctl.faults._service import ServiceFault
from drillctl.faults.base import FaultEnv, FaultParams


class StopServiceParams(FaultParams):
    type: Literal["stop-service"]
    service: str
    duration: Duration


class StopService(ServiceFault):
    type_name: ClassVar[str] = "stop-service"
    params_model: ClassVar[type[FaultParams]] = StopServiceParams
    verb: ClassVar[str] = "stop"

    async def act(self, env: FaultEnv) -> dict[str, Any]:
        return await self.until_it_dies(env, env.target.stop, stopping=True)
