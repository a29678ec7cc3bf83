"""An unreachable source degrades, it does not crash: every HTTP source against a closed port."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta
from pathlib import Path

import httpx

from drillctl.config import SourcesConfig
from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal, read_events
from drillctl.observe.factory import build_sources
from drillctl.observe.observer import Observer
from drillctl.scenario.model import scenario_model


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


SCENARIO = {
    "name": "unreachable",
    "title": "t",
    "severity": "P3",
    "description": "d",
    "objective": "o",
    "faults": [{"type": "stop-service", "service": "x", "duration": "10s"}],
    "root_cause": {"summary": "s", "keywords": ["k"]},
    "dashboards": ["ebit-perf-test", "perf-system"],  # a scenario names its own (no default)
    "signals": [
        {"name": "queue", "source": "prometheus", "query": "up", "symptom": {"above": 1}},
        {
            "name": "alert",
            "source": "alertmanager",
            "query": "EbitApiDown",
            "symptom": {"above": 0},
        },
        {
            "name": "logs",
            "source": "loki",
            "query": 'sum(rate({a="b"}[1m]))',
            "symptom": {"above": 1},
        },
        {"name": "spans", "source": "jaeger", "query": "ebit-api", "symptom": {"above": 1}},
        {
            "name": "api",
            "source": "http",
            "query": closed_port() + "/health",
            "unit": "ok",
            "symptom": {"below": 1},
        },
        {
            "name": "port",
            "source": "tcp",
            "query": closed_port().removeprefix("http://"),
            "symptom": {"below": 1},
        },
    ],
    "evidence": [
        {"name": "traces", "source": "jaeger", "service": "ebit-api"},
        {"name": "logs", "source": "loki", "service": "ebit-api"},
    ],
}


def test_every_source_down_the_observer_polls_journals_and_carries_on(tmp_path: Path) -> None:
    url = closed_port()
    config = SourcesConfig(
        prometheus=url, alertmanager=url, loki=url, jaeger=url, grafana=url, timeout="1s"
    )
    clock = FakeClock()
    journal = Journal(tmp_path / "journal.jsonl", clock=clock)

    async def main() -> Observer:
        async with httpx.AsyncClient() as client:
            observer = Observer(
                scenario_model().model_validate(SCENARIO),
                build_sources(config, client=client),
                journal,
                clock,
            )
            report = await observer.collect_baseline(timedelta(seconds=2))
            # the probes' targets are down too: the stack is not steady, and the report says why
            assert [line.split(":")[0] for line in report.not_steady] == ["api", "port"]
            # 3 polls in 2 s: not enough samples for a baseline anywhere (the probes' absolute
            # `below 1` still judged steadiness above)
            assert set(report.no_data) == {"queue", "alert", "logs", "spans", "api", "port"}
            for _ in range(5):
                await observer.poll_once()
                clock.advance(1)
            await observer.gather_evidence(clock.now() - timedelta(minutes=1), clock.now())
            assert await observer.preflight()
            return observer

    observer = asyncio.run(main())
    down = {e.data["source"] for e in read_events(journal.path) if e.type == "source.unavailable"}
    assert down == {"prometheus", "alertmanager", "loki", "jaeger", "grafana"}
    samples = {
        e.data["signal"]: e.data["value"] for e in read_events(journal.path) if e.type == "sample"
    }
    assert samples == {"api": 0.0, "port": 0.0}  # the probes report the outage as a value
    assert sorted(observer.symptomatic()) == ["api", "port"]
