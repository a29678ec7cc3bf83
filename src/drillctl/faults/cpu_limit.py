"""cpu-limit: cap a service's CPU through the engine (``docker update``), then put back exactly the
limit it had.

A container whose limit was set with ``cpus:`` (NanoCpus) keeps that form; otherwise the fault
uses the CFS quota, and an unlimited container gets back ``CpuQuota -1`` (unlimited: the engine
cannot write back the 0 it started from). The effect journalled is the limit read back.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from drillctl.core.durations import Duration
from drillctl.core.errors import PreflightError
from drillctl.faults._aio import blocking
from drillctl.faults._limits import LimitFault
from drillctl.faults._service import for_duration
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

PERIOD = 100_000  # the CFS period (µs) the engine uses by default
NANO = 1_000_000_000


class CpuLimitParams(FaultParams):
    type: Literal["cpu-limit"]
    service: str  # compose service whose container is limited
    cpus: float = Field(ge=0.01)  # CPUs it may use (0.5 = half a core), at most the host's
    duration: Duration  # how long the limit holds before the previous one is put back


class CpuLimit(LimitFault):
    type_name: ClassVar[str] = "cpu-limit"
    params_model: ClassVar[type[FaultParams]] = CpuLimitParams
    params: CpuLimitParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"limit {p.service} to {p.cpus:g} CPU{for_duration(p.duration)} (docker update)",
            targets=[p.service],
            duration=p.duration,
            revert=f"put back {p.service}'s previous CPU limit (docker update)",
        )

    def wanted(self) -> dict[str, int]:
        cpus, host = self.params.cpus, self._before.get("NCPU", 0)
        if host and cpus > host:
            raise PreflightError(f"cpu-limit: {cpus:g} CPU asked, the host has {host}")
        if self._before.get("NanoCpus"):
            return {"NanoCpus": int(cpus * NANO)}
        return {"CpuPeriod": PERIOD, "CpuQuota": int(cpus * PERIOD)}

    def in_force(self, limits: dict[str, int]) -> tuple[bool, str]:
        cpus = cpus_of(limits)
        return abs(cpus - self.params.cpus) < 0.01, f"CPU limit in force: {cpus:g} CPU"

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        before = undo["before"]
        if before.get("NanoCpus"):
            body = {"NanoCpus": before["NanoCpus"]}
        else:
            body = {"CpuPeriod": before.get("CpuPeriod") or PERIOD,
                    "CpuQuota": before.get("CpuQuota") or -1}  # fmt: skip
        await blocking(env.target.update_limits, undo["service"], body)
        after = await blocking(env.target.limits, undo["service"])
        return {"limits": after, "cpus": cpus_of(after) or "unlimited"}


def cpus_of(limits: dict[str, int]) -> float:
    if limits.get("NanoCpus"):
        return limits["NanoCpus"] / NANO
    quota, period = limits.get("CpuQuota", 0), limits.get("CpuPeriod") or PERIOD
    return quota / period if quota > 0 else 0.0
