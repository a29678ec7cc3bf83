"""kill-service: send a signal to a service's containers (default SIGKILL); revert starts it."""

from __future__ import annotations

import signal
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from drillctl.core.durations import Duration
from drillctl.faults._service import ServiceFault
from drillctl.faults.base import FaultEnv, FaultParams


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
    revert_words: ClassVar[str] = "start service {service} if it is not running"
    params: KillServiceParams

    def doing(self) -> str:
        return f"send {self.params.signal} to service {self.service}"

    async def act(self, env: FaultEnv) -> dict[str, Any]:
        signalled = self.params.signal
        return {"signal": signalled, **await self.until_it_dies(env, env.target.kill, signalled)}
