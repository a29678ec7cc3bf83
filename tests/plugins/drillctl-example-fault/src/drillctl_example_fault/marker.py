"""marker-file: write a file into a service's container; the revert removes it.

Everything a plugin needs comes from drillctl's public contract: ``FaultParams``, ``FaultPlan``,
``FaultEnv`` (the target driver, the run dir, the clock, the redactor) and the ``FaultPlugin``
protocol; the plugin never touches Docker itself.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar, Literal

from drillctl.core.errors import PreflightError, TargetError
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class MarkerFileParams(FaultParams):
    type: Literal["marker-file"]
    service: str
    path: str = "/tmp/drillctl-marker"


class MarkerFile:
    type_name: ClassVar[str] = "marker-file"
    params_model: ClassVar[type[FaultParams]] = MarkerFileParams

    def __init__(self, params: MarkerFileParams) -> None:
        self.params = params

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(f"write {p.path} in {p.service}", [p.service], None, f"remove {p.path}")

    async def check(self, env: FaultEnv) -> None:
        services = await asyncio.to_thread(env.target.services)
        if self.params.service not in services:
            raise PreflightError(
                f"unknown service {self.params.service!r}; services: {', '.join(services)}"
            )

    def undo(self) -> dict[str, Any]:
        return {"service": self.params.service, "path": self.params.path}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        done = await asyncio.to_thread(
            env.target.exec, self.params.service, ["touch", self.params.path]
        )
        if done.exit_code:
            raise TargetError(f"touch {self.params.path} failed: {done.stderr}")
        return {"written": self.params.path}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        done = await asyncio.to_thread(env.target.exec, undo["service"], ["rm", "-f", undo["path"]])
        if done.exit_code:
            raise TargetError(f"rm {undo['path']} failed: {done.stderr}")
        return {"removed": undo["path"]}
