"""Detection on the lab: a fault injected by hand (docker compose CLI), the symptom marked, the
revert done by hand, the recovery marked — for each of the four seed scenarios."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest
import socketio
from observe_lab import compose, drill_by_hand, drill_lock, ensure_smoke, scenario

pytestmark = [pytest.mark.lab, pytest.mark.timeout(600)]


@pytest.fixture
def smoke(lab: Any) -> Any:
    with drill_lock(lab):
        ensure_smoke(lab)
        yield lab


async def run(*args: str, lab: Any) -> None:
    await asyncio.to_thread(compose, lab, *args)


def check_marks(drill: Any, signal: str) -> None:
    [symptom] = [e for e in drill.events("symptom") if e["signal"] == signal][:1]
    assert symptom["first_breach_at"] <= symptom["confirmed_at"]
    assert symptom["first_breach_at"] >= drill.injected_at.isoformat()
    assert drill.injected_at.isoformat() <= symptom["detected_at"] <= symptom["confirmed_at"]
    recovered = [e for e in drill.events("recovered") if e["signal"] == signal]
    assert recovered and recovered[-1]["confirmed_at"] >= symptom["confirmed_at"]


def test_bullmq_backpressure_consumer_stopped(smoke: Any, tmp_path: Path) -> None:
    async def inject() -> None:
        await run("stop", "ebit-api", lab=smoke)

    async def revert() -> None:
        await run("start", "ebit-api", lab=smoke)

    try:
        drill = asyncio.run(
            drill_by_hand(
                smoke, scenario("bullmq-backpressure"), tmp_path / "j.jsonl", inject, revert
            )
        )
    finally:
        compose(smoke, "up", "-d", "--wait", "ebit-api")
    check_marks(drill, "queue_waiting")
    assert drill.first_symptom_latency() < 30


def test_redis_cache_flush(smoke: Any, tmp_path: Path) -> None:
    async def inject() -> None:
        await run(
            "exec",
            "-T",
            "ebit-redis-cache",
            "redis-cli",
            "-a",
            "cache",
            "--no-auth-warning",
            "FLUSHDB",
            lab=smoke,
        )

    drill = asyncio.run(
        drill_by_hand(smoke, scenario("redis-cache-flush"), tmp_path / "j.jsonl", inject, None)
    )
    primary = {"cache_miss_ratio", "read_latency_p95"}  # bets_lost and queue_waiting are secondary
    # the detect mark is the onset's alarm when one supported the symptom: it can come before
    # the rule's first breach (the change-point test sees the move first), never after the
    # confirmation
    first = min(
        (e for e in drill.events("symptom") if e["signal"] in primary),
        key=lambda e: e["detected_at"],
    )
    assert first["detected_at"] == drill.observer.first_symptom_at().isoformat()
    check_marks(drill, first["signal"])


def test_ws_handshake_storm(smoke: Any, tmp_path: Path) -> None:
    stop = asyncio.Event()
    url = smoke.endpoints.api_url

    async def one_client() -> None:
        while not stop.is_set():
            client = socketio.AsyncClient(reconnection=False)
            with contextlib.suppress(Exception):
                await client.connect(
                    url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=2
                )
            with contextlib.suppress(Exception):
                await client.disconnect()

    tasks: list[asyncio.Task[None]] = []

    async def inject() -> None:
        stop.clear()
        tasks.extend(asyncio.create_task(one_client()) for _ in range(200))

    async def revert() -> None:
        stop.set()
        await asyncio.wait(tasks, timeout=15)

    drill = asyncio.run(
        drill_by_hand(smoke, scenario("ws-handshake-storm"), tmp_path / "j.jsonl", inject, revert)
    )
    check_marks(drill, "handshakes_throttled")


def test_signin_failure_spike(smoke: Any, tmp_path: Path) -> None:
    override = tmp_path / "wrong-password.yaml"
    override.write_text(
        "services:\n  ebit-api:\n    environment:\n"
        "      ADMIN_DEFAULT_PASSWORD: drill-wrong-password\n"
    )

    async def inject() -> None:
        await run(
            "-f", str(override), "up", "-d", "--no-deps", "--force-recreate", "ebit-api", lab=smoke
        )

    async def revert() -> None:
        await run("up", "-d", "--no-deps", "--force-recreate", "--wait", "ebit-api", lab=smoke)

    try:
        drill = asyncio.run(
            drill_by_hand(
                smoke, scenario("signin-failure-spike"), tmp_path / "j.jsonl", inject, revert
            )
        )
    finally:
        compose(smoke, "up", "-d", "--no-deps", "--force-recreate", "--wait", "ebit-api")
    # both are primary: the failure count usually breaks first, the ratio a sign-in or two later
    primary = {"signin_failures", "signin_failure_ratio"}
    first = min(
        (e for e in drill.events("symptom") if e["signal"] in primary),
        key=lambda e: e["detected_at"],
    )
    assert first["detected_at"] == drill.observer.first_symptom_at().isoformat()
    check_marks(drill, first["signal"])
