"""pause-service: freeze a service's processes (cgroup freezer) for a duration, then unpause."""

from __future__ import annotations

from typing import Literal

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class PauseServiceParams(FaultParams):
    type: Literal["pause-service"]
    service: str
    duration: Duration
