"""A drill whose Prometheus starts answering garbage mid-drill keeps running: the source is marked
unavailable in the journal, the fault is reverted on time, and the run exits 1 (its expectations
could not be met), not 70 and not with the fault left in place.

A small proxy in this process stands in front of the lab's Prometheus (DRILLCTL_SOURCES_PROMETHEUS
points at it); it forwards until the journal shows the fault injected, then cycles through the
answers issue #18 lists (HTML, ``data: null``, a string result, truncated JSON).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from run_support import DRILLCTL, REPO, drill_env, recover

pytestmark = [pytest.mark.lab]

GARBAGE = [
    ("text/html", "<html><body>502 Bad Gateway</body></html>"),
    ("application/json", '{"status":"success","data":null}'),
    ("application/json", '{"status":"success","data":{"resultType":"string","result":[1,"x"]}}'),
    ("application/json", '{"status":"success","data":{"resultType":"vector","result":[{"met'),
]
FAULT_S = 20


class GarbageProxy(ThreadingHTTPServer):
    """Forwards GETs to ``upstream`` until ``garbage`` is set, then answers garbage."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.garbage = threading.Event()
        self.cycle = itertools.cycle(GARBAGE)
        self.garbage_served = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: GarbageProxy

    def do_GET(self) -> None:
        if self.server.garbage.is_set():
            ctype, body = next(self.server.cycle)
            self.server.garbage_served += 1
            self._send(200, ctype, body.encode())
            return
        try:
            got = httpx.get(self.server.upstream + self.path, timeout=5)
        except httpx.HTTPError:
            self._send(502, "text/plain", b"upstream unreachable")
            return
        self._send(got.status_code, got.headers.get("content-type", ""), got.content)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def proxy(lab: Any) -> Iterator[GarbageProxy]:
    server = GarbageProxy(lab.endpoints.prometheus_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def state(lab: Any, tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    recover(lab, tmp_path)


def journal(state: Path) -> list[dict[str, Any]]:
    found = sorted(state.glob("runs/*/journal.jsonl"))
    if not found:
        return []
    lines = found[-1].read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip().endswith("}")]


@pytest.mark.timeout(600)
def test_garbage_from_prometheus_mid_drill(lab: Any, state: Path, proxy: GarbageProxy) -> None:
    env = drill_env(lab, state)
    env["DRILLCTL_SOURCES_PROMETHEUS"] = proxy.url
    argv = [
        *DRILLCTL, "run", "bullmq-backpressure", "--non-interactive", "--max-duration", "90s",
        "--set", "baseline=10s", "--set", f"faults[0].duration={FAULT_S}s",
        "--set", "recovery.timeout=20s",
    ]  # fmt: skip
    started = time.monotonic()
    drill = subprocess.Popen(
        argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    while drill.poll() is None and not any(e["type"] == "fault.injected" for e in journal(state)):
        time.sleep(0.2)
    proxy.garbage.set()
    out, err = drill.communicate(timeout=400)
    seconds = time.monotonic() - started
    shown = f"exit {drill.returncode} after {seconds:.0f}s\n{out[-3000:]}\n{err[-3000:]}"

    assert drill.returncode == 1, shown  # expectations unmet; not 70, not 2, not 4
    assert "internal error" not in err, shown
    events = journal(state)
    types = [e["type"] for e in events]
    assert proxy.garbage_served > 0, shown
    reasons = [e["data"]["reason"] for e in events if e["type"] == "source.unavailable"
               and e["data"]["source"] == "prometheus"]  # fmt: skip
    assert reasons, shown
    assert all(
        "unexpected" in r or "not JSON" in r or "null" in r or "string" in r for r in reasons
    ), reasons
    # the hold runs from the inject phase (a graceful `docker compose stop` takes a while) to the
    # start of the revert
    inject = next(e for e in events if e["type"] == "phase" and e["data"]["phase"] == "inject")
    revert = next(e for e in events if e["type"] == "fault.revert-started")
    held = datetime.fromisoformat(revert["ts"]) - datetime.fromisoformat(inject["ts"])
    assert FAULT_S - 1 <= held.total_seconds() <= FAULT_S + 5, (held, types)  # reverted on time
    assert "fault.reverted" in types, types
    assert types[-1] == "run.ended" and events[-1]["data"]["exit_code"] == 1
    print(
        f"garbage Prometheus mid-drill: exit 1 in {seconds:.0f}s, {len(reasons)} unavailable marks"
    )
