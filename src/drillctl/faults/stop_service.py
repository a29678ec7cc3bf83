"""stop-service: ``docker compose stop SERVICE`` for a duration, then ``start`` it again."""

from __future__ import annotations

from typing import Literal

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class StopServiceParams(FaultParams):
    type: Literal["stop-service"]
    service: str
    duration: Duration
