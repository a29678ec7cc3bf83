"""memory-limit: cap a service's memory through the engine (``docker update``), then put back
exactly the limit it had.

A container that had a limit gets that limit (and its swap limit) back by ``docker update``. One
that had none cannot: Docker Engine refuses to lift a memory limit in place ("Minimum memory limit
allowed is 6MB" for -1), so the revert tries that first and otherwise recreates the service from
the project's own definition (a restart, said in the plan). The effect journalled is the limit
read back from the engine.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from drillctl.core.durations import Duration
from drillctl.core.errors import TargetError
from drillctl.faults._aio import blocking
from drillctl.faults._limits import LimitFault
from drillctl.faults._service import for_duration, wait_running
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

SIZE = r"^[0-9]+(\.[0-9]+)?[kmgKMG]?[bB]?$"
UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}
MIN_BYTES = 6 * 2**20  # the engine's own minimum


def parse_size(text: str) -> int:
    match = re.match(r"^([0-9.]+)([kmg]?)b?$", text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a size such as 256m or 1g")
    return int(float(match.group(1)) * UNITS[match.group(2)])


class MemoryLimitParams(FaultParams):
    type: Literal["memory-limit"]
    service: str  # compose service whose container is limited
    memory: str = Field(pattern=SIZE)  # the limit, such as 256m or 1g (at least 6m), no swap
    duration: Duration  # how long the limit holds before the previous one is put back

    @field_validator("memory")
    @classmethod
    def _at_least_the_engine_minimum(cls, value: str) -> str:
        if parse_size(value) < MIN_BYTES:
            raise ValueError(f"{value} is below the engine's minimum memory limit (6m)")
        return value

    def bytes(self) -> int:
        return parse_size(self.memory)


class MemoryLimit(LimitFault):
    type_name: ClassVar[str] = "memory-limit"
    params_model: ClassVar[type[FaultParams]] = MemoryLimitParams
    params: MemoryLimitParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"limit {p.service} to {p.memory} of memory, no swap{for_duration(p.duration)}"
            " (docker update)",
            targets=[p.service],
            duration=p.duration,
            revert=f"put back {p.service}'s previous memory limit (docker update; when it had "
            "none, recreate it from the project's definition: the engine cannot lift a limit)",
        )

    def wanted(self) -> dict[str, int]:
        size = self.params.bytes()
        return {"Memory": size, "MemorySwap": size}

    def in_force(self, limits: dict[str, int]) -> tuple[bool, str]:
        memory = limits.get("Memory", 0)
        return memory == self.params.bytes(), f"memory limit in force: {memory} bytes"

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        service, before = undo["service"], undo["before"]
        if before.get("Memory"):
            body = {"Memory": before["Memory"], "MemorySwap": before.get("MemorySwap") or -1}
            await blocking(env.target.update_limits, service, body)
            return {"limits": await blocking(env.target.limits, service), "by": "docker update"}
        try:
            await blocking(env.target.update_limits, service, {"Memory": -1, "MemorySwap": -1})
        except TargetError:
            await blocking(env.target.recreate, service)
            await wait_running(env, service)
            return {"limits": await blocking(env.target.limits, service), "by": "recreate"}
        return {"limits": await blocking(env.target.limits, service), "by": "docker update"}
