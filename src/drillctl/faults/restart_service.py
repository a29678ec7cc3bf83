"""restart-service: ``docker compose restart SERVICE``; the revert waits for it to be running."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from drillctl.core.durations import Duration
from drillctl.faults._aio import blocking
from drillctl.faults._service import ServiceFault, state_dict
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class RestartServiceParams(FaultParams):
    type: Literal["restart-service"]
    service: str
    timeout: Duration | None = None  # grace period before SIGKILL


class RestartService(ServiceFault):
    type_name: ClassVar[str] = "restart-service"
    params_model: ClassVar[type[FaultParams]] = RestartServiceParams
    params: RestartServiceParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"restart service {p.service}",
            targets=[p.service],
            duration=None,
            revert=f"start service {p.service} if it is not running, wait until it is",
        )

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        timeout = self.params.timeout.total_seconds() if self.params.timeout else None
        await blocking(env.target.restart, self.service, timeout)
        return state_dict(await blocking(env.target.state, self.service))

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        return await cls.ensure_running(env, undo)
