"""disk-fill: fill a directory of a service (its volume or its own filesystem) to a size or a
percentage, and remove the file on revert.

The helper joins the service's process namespace and writes through ``/proc/1/root``, so any path
the service sees can be filled and nothing runs in the target. The file is allocated
(``posix_fallocate``: real blocks, not a sparse file) up to ``max_size`` at most: a percentage of a
container's root filesystem is a percentage of the host's disk, which other drills share. The
dead-man switch removes the file even if drillctl was killed.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from drillctl.faults import _netns
from drillctl.faults._helper_fault import HelperFault
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan
from drillctl.faults.memory_limit import SIZE, parse_size


class DiskFillParams(_netns.HelperFaultParams):
    type: Literal["disk-fill"]
    path: str  # a directory, absolute, as the service sees it
    size: str | None = Field(default=None, pattern=SIZE)  # bytes to write (10m, 1g); or percent
    percent: float | None = Field(default=None, gt=0, lt=100)  # fill the filesystem to this use
    max_size: str = Field(default="1g", pattern=SIZE)  # never write more (a shared host disk)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        path = PurePosixPath(value)
        if not path.is_absolute() or ".." in path.parts:
            raise ValueError("path must be absolute, without '..'")
        return str(path)

    @model_validator(mode="after")
    def _one_amount(self) -> DiskFillParams:
        if (self.size is None) == (self.percent is None):
            raise ValueError("give either size or percent")
        if self.size and parse_size(self.size) > parse_size(self.max_size):
            raise ValueError(f"size {self.size} exceeds max_size {self.max_size}")
        return self


class DiskFill(HelperFault):
    type_name: ClassVar[str] = "disk-fill"
    params_model: ClassVar[type[FaultParams]] = DiskFillParams
    needs_pid = True
    params: DiskFillParams

    def plan(self) -> FaultPlan:
        p = self.params
        amount = p.size if p.size else f"{p.percent:g}% used (at most {p.max_size})"
        return FaultPlan(
            action=f"fill {p.path} in {p.service} with {amount}{_netns.during(p)}; "
            "mechanism: a file allocated by a helper in its process namespace",
            targets=[p.service],
            duration=p.duration,
            revert=f"stop the helper: the file in {p.path} is removed",
        )

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        p = self.params
        self.mechanism = "posix_fallocate through /proc/1/root"
        spec = _netns.HelperSpec(_netns.tag_for(env, self.token), _netns.hold_seconds(p))
        path = f"/proc/1/root{p.path.rstrip('/')}/.drillctl-fill-{self.token}"
        entry: dict[str, Any] = {"path": path, "max_bytes": parse_size(p.max_size)}
        entry.update({"bytes": parse_size(p.size)} if p.size else {"percent": p.percent})
        spec.files = [entry]
        return spec

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        filled = (ready.get("filled") or [{}])[0]
        written = int(filled.get("bytes") or 0)
        summary = f"{written} bytes written in {self.params.path}, {filled.get('used_pct')}% used"
        return _netns.effect(written > 0, summary, **filled)
