"""ws-storm: many socket.io clients handshaking in a tight loop against a gateway."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class WsStormParams(FaultParams):
    type: Literal["ws-storm"]
    url: str  # http://127.0.0.1:8080 (the socket.io server's base URL)
    path: str = "/socket.io"
    namespace: str = "/"
    clients: int = Field(200, ge=1, le=100_000)  # concurrent clients in the loop
    count: int | None = Field(None, ge=1)  # total handshakes; with duration, whichever ends first
    duration: Duration | None = None
    rate: float | None = Field(None, gt=0)  # handshakes per second; None = as fast as possible
