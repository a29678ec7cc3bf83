"""ws-storm: many socket.io clients handshaking in a tight loop against a gateway.

The storm runs in its own process (``drillctl.faults.wsclient``, a lean Engine.IO v4 handshake
client): it gets its own core, and a later ``drillctl recover`` can stop it by pid. Its result —
accepted, refused (counted by reason), errored handshakes and latency percentiles — is written by
the storm process when it ends and returned by the revert (``fault.reverted``), or by the inject
when the storm is bounded by a count only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from drillctl.core.durations import Duration
from drillctl.core.errors import PreflightError, TargetError
from drillctl.faults import _process
from drillctl.faults._aio import blocking
from drillctl.faults._effective import effects
from drillctl.faults._files import private_name, read_private, remove_private, write_private
from drillctl.faults._service import for_duration
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

STOP_GRACE_S = 10.0
FIRST_WAIT_S = 5.0  # how long inject waits for the first handshake outcome
PROBE_TIMEOUT_S = 3.0


class WsStormParams(FaultParams):
    type: Literal["ws-storm"]
    url: str  # http://127.0.0.1:8080 (the socket.io server's base URL)
    path: str = "/socket.io"
    namespace: str = "/"
    clients: int = Field(200, ge=1, le=100_000)  # concurrent clients in the loop
    count: int | None = Field(None, ge=1, le=10**7)  # total handshakes; with duration, first ends
    duration: Duration | None = None
    rate: float | None = Field(None, gt=0, le=10**5)  # handshakes per second; None: no limit
    auth: dict[str, Any] | None = None  # the socket.io auth object sent with the namespace connect

    @model_validator(mode="after")
    def _bounded(self) -> WsStormParams:
        if self.count is None and self.duration is None:
            raise ValueError("a storm needs 'duration' or 'count' (or both): it must end by itself")
        if urlsplit(self.url).scheme not in ("http", "https", "ws", "wss"):
            raise ValueError(f"url {self.url!r} must start with http://, https://, ws:// or wss://")
        return self


class WsStorm:
    type_name: ClassVar[str] = "ws-storm"
    params_model: ClassVar[type[FaultParams]] = WsStormParams

    def __init__(self, params: WsStormParams) -> None:
        self.params = params
        self._private = private_name("ws-storm")

    def plan(self) -> FaultPlan:
        p = self.params
        bounds = [f"{p.count} handshakes" if p.count else "", for_duration(p.duration).strip()]
        bound = " or ".join(b for b in bounds if b)
        pace = f"{p.rate:g}/s" if p.rate else "as fast as possible"
        return FaultPlan(
            action=f"{p.clients} socket.io clients handshaking {pace} at {p.url}{p.path} ({bound})",
            targets=[p.url],
            duration=p.duration,
            revert="stop the storm process",
        )

    async def check(self, env: FaultEnv) -> None:
        parts = urlsplit(self.params.url)
        port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
        try:
            await blocking(socket.create_connection, (parts.hostname, port), PROBE_TIMEOUT_S)
        except OSError as exc:
            raise PreflightError(
                f"ws-storm target {self.params.url} is not reachable: {exc}"
            ) from exc

    def undo(self) -> dict[str, Any]:
        return {"private": self._private}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        stem = Path(self._private).stem
        config = write_private(env.run_dir, f"private/{stem}-config.json", self._config())
        summary = env.run_dir / f"{stem}.json"
        argv = [sys.executable, "-m", "drillctl.faults.wsclient", str(config), str(summary)]
        spawned = {**os.environ, "DRILLCTL_STORM_SPAWNED": repr(time.time())}
        proc = _process.spawn(argv, cwd=None, env=spawned, log=env.run_dir / f"{stem}.log")
        write_private(env.run_dir, self._private, {**proc, "summary": summary.name})
        if self.params.duration is None:  # bounded by its count: the fault is the whole storm
            await _wait(proc)
            return read_summary(summary)
        # the storm process (wsclient.first_mark_path) marks its first answered handshake there
        first = await _first_handshake(env, summary.with_suffix(".first"))
        return {"pid": proc["pid"], "summary": summary.name, **effects(env.clock.now(), first)}

    def _config(self) -> dict[str, Any]:
        p = self.params
        duration = p.duration.total_seconds() if p.duration else None
        return {
            "url": p.url,
            "path": p.path,
            "namespace": p.namespace,
            "clients": p.clients,
            "count": p.count,
            "duration_s": duration,
            "rate": p.rate,
            "auth": p.auth,
        }

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        proc = read_private(env.run_dir, undo.get("private"))
        if not proc:
            return result if "handshakes" in result else {"skipped": "the storm was never started"}
        stopped = await blocking(
            _process.stop, proc["pid"], proc.get("ticks"), "SIGTERM", STOP_GRACE_S
        )
        try:
            summary = read_summary(env.run_dir / proc["summary"])
        except TargetError as exc:  # the storm is stopped all the same: nothing left degraded
            summary = {**stopped, "summary": str(exc)}
        remove_private(env.run_dir, undo.get("private"))
        remove_private(env.run_dir, f"private/{Path(undo['private']).stem}-config.json")
        return summary


async def _first_handshake(env: FaultEnv, mark: Path) -> datetime | None:
    """When the storm's first handshake was accepted or refused (None: not within FIRST_WAIT_S,
    and the spawn's return stands for it)."""
    deadline = env.clock.monotonic() + FIRST_WAIT_S
    while env.clock.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError, ValueError):
            return datetime.fromtimestamp(float(mark.read_text(encoding="utf-8")), UTC)
        await env.clock.sleep(0.05)
    return None


async def _wait(proc: dict[str, Any]) -> None:
    while _process.is_alive(proc["pid"], proc["ticks"]):
        await asyncio.sleep(0.1)


def read_summary(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise TargetError(
            f"the storm process wrote no summary; see {path.with_suffix('.log')}"
        ) from exc
