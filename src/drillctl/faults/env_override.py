"""env-override: recreate a service with changed environment through a generated override file.

The user's compose files are never edited: the override lives in the run directory, and the revert
recreates the service from the project's own definition without it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class EnvOverrideParams(FaultParams):
    type: Literal["env-override"]
    service: str
    environment: dict[str, str] = Field(min_length=1)
    duration: Duration | None = None
