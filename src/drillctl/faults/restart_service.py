"""restart-service: ``docker compose restart SERVICE``; the revert waits for it to be running."""

from __future__ import annotations

from typing import Literal

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class RestartServiceParams(FaultParams):
    type: Literal["restart-service"]
    service: str
    timeout: Duration | None = None  # grace period before SIGKILL
