"""restart-service: ``docker compose restart SERVICE``; the revert waits for it to be running."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from drillctl.core.durations import Duration
from drillctl.faults._aio import blocking
from drillctl.faults._service import ServiceFault
from drillctl.faults.base import FaultEnv, FaultParams


class RestartServiceParams(FaultParams):
    type: Literal["restart-service"]
    service: str
    timeout: Duration | None = None  # grace period before SIGKILL


class RestartService(ServiceFault):
    type_name: ClassVar[str] = "restart-service"
    params_model: ClassVar[type[FaultParams]] = RestartServiceParams
    verb: ClassVar[str] = "restart"
    revert_words: ClassVar[str] = "start service {service} if it is not running, wait until it is"
    params: RestartServiceParams

    async def act(self, env: FaultEnv) -> dict[str, Any]:
        timeout = self.params.timeout.total_seconds() if self.params.timeout else None
        await blocking(env.target.restart, self.service, timeout)
        return {}
