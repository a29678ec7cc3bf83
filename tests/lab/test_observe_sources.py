"""The observer's sources against the real lab: Prometheus, Alertmanager, compose logs, probes."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from observe_lab import lab_observer, scenario, settings

from drillctl.core.clock import SystemClock
from drillctl.observe.factory import open_sources
from drillctl.scenario.model import EvidenceQuery, Signal
from drillctl.target.factory import build_driver

pytestmark = [pytest.mark.lab, pytest.mark.timeout(180)]

LAB_ALERTS = {
    "EbitApiDown",
    "BetSettledQueueBacklog",
    "AdminSignInFailureSpike",
    "WsHandshakesThrottled",
    "CacheMissSpike",
    "BetsLost",
}


def signal(source: str, query: str, **kw: Any) -> Signal:
    return Signal.model_validate(
        {"name": "probe", "source": source, "query": query, "symptom": {"above": 0}, **kw}
    )


def with_sources(lab: Any, use: Any, driver: Any = None) -> Any:
    async def main() -> Any:
        async with open_sources(settings(lab).sources, driver=driver) as sources:
            return await use(sources)

    return asyncio.run(main())


def test_prometheus_version_targets_queries_alerts_and_rules(lab: Any) -> None:
    async def use(sources: dict[str, Any]) -> dict[str, Any]:
        prom, now = sources["prometheus"], SystemClock().now()
        return {
            "check": await prom.check(),
            "up": await prom.up(),
            "waiting": await prom.read(
                signal(
                    "prometheus",
                    'sum(bullmq_queue_jobs{queue="bet_settled_queue",state="waiting"})',
                ),
                now,
            ),
            "range": await prom.query_range(
                "sum(up)", now - timedelta(minutes=1), now, timedelta(seconds=5)
            ),
            "alerts": await prom.active_alerts(),
            "rules": await prom.rule_health(),
        }

    got = with_sources(lab, use)
    assert got["check"]["version"].startswith("2.")
    assert got["up"] and all(v == 1 for v in got["up"].values()), got["up"]
    assert got["waiting"] is not None and got["waiting"] >= 0
    assert len(got["range"]) == 1 and len(got["range"][0].points) >= 2
    assert all(a.state in ("pending", "firing") for a in got["alerts"])
    alerting = {r.name for r in got["rules"] if r.kind == "alerting"}
    assert alerting >= LAB_ALERTS
    assert all(r.health == "ok" for r in got["rules"]), [
        r for r in got["rules"] if r.health != "ok"
    ]


def test_bad_promql_is_refused_with_prometheus_text_and_the_signal_name(lab: Any) -> None:
    bad = Signal.model_validate(
        {
            "name": "queue_depth",
            "source": "prometheus",
            "query": "sum(bullmq_queue_jobs{state=}",
            "symptom": {"above": 1},
        }
    )
    good = scenario("bullmq-backpressure").signals
    problems = with_sources(lab, lambda s: s["prometheus"].validate_queries([*good, bad]))
    assert len(problems) == 1
    assert problems[0].startswith(
        "signal queue_depth: Prometheus refused 'sum(bullmq_queue_jobs{state=}': bad_data:"
    )
    assert "unexpected" in problems[0]


def test_alertmanager_version_and_active_alerts(lab: Any) -> None:
    async def use(sources: dict[str, Any]) -> tuple[Any, Any]:
        return await sources["alertmanager"].check(), await sources["alertmanager"].active_alerts()

    info, alerts = with_sources(lab, use)
    assert info["version"].startswith("0.")
    assert all(a.source == "alertmanager" and a.state == "firing" for a in alerts)
    assert all(a.active_at is not None for a in alerts)


def test_compose_logs_fallback_reads_real_lines_with_service_and_time(lab: Any) -> None:
    driver = build_driver(settings(lab), env=lab.env)
    now = SystemClock().now()
    query = EvidenceQuery(
        name="api-logs", source="loki", service="ebit-api", pattern=r'"level"', limit=5
    )

    async def use(sources: dict[str, Any]) -> Any:
        assert "loki" not in sources  # the lab's drillctl.toml configures no Loki
        return await sources["logs"].evidence(query, now - timedelta(hours=6), now)

    found = with_sources(lab, use, driver=driver)
    assert found.source == "logs" and 1 <= len(found.items) <= 5
    assert all(item["service"] == "ebit-api" and item["at"] for item in found.items)
    assert all('"level"' in item["line"] for item in found.items)


def test_traces_fall_back_to_log_lines_without_jaeger(lab: Any) -> None:
    driver = build_driver(settings(lab), env=lab.env)
    now = SystemClock().now()
    query = EvidenceQuery(name="spans", source="jaeger", service="ebit-api")
    found = with_sources(
        lab, lambda s: s["jaeger"].evidence(query, now - timedelta(minutes=10), now), driver=driver
    )
    assert found.kind == "trace" and found.source == "logs"
    assert all(item["example_trace_id"] for item in found.items)


def test_probes_http_tcp_redis_sql(lab: Any) -> None:
    e = lab.endpoints
    api = e.api_url
    redis_dsn = f"redis://:{e.redis_password}@{e.redis_host}:{e.redis_port}/0"
    pg_dsn = e.postgres_dsn

    async def use(sources: dict[str, Any]) -> dict[str, Any]:
        now = SystemClock().now()
        read = lambda source, query, **kw: sources[source].read(signal(source, query, **kw), now)  # noqa: E731
        return {
            "status": await read("http", api + "/metrics", unit="status"),
            "latency": await read("http", api + "/metrics"),
            "tcp": await read("tcp", f"{e.redis_host}:{e.redis_port}"),
            "tcp_ms": await read("tcp", pg_dsn.rsplit("@", 1)[1].split("/")[0], unit="ms"),
            "ping": await read("redis", "DBSIZE", dsn=redis_dsn),
            "sql": await read("sql", "SELECT count(*) FROM bets", dsn=pg_dsn),
        }

    got = with_sources(lab, use)
    assert got["status"] == 200 and 0 < got["latency"] < 5000
    assert got["tcp"] == 1 and 0 < got["tcp_ms"] < 5000
    assert got["ping"] >= 0 and got["sql"] >= 0


def test_an_unreachable_source_degrades_while_the_others_keep_sampling(
    lab: Any, tmp_path: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    chosen = scenario("bullmq-backpressure")

    async def main() -> Any:
        async with lab_observer(lab, chosen, tmp_path / "journal.jsonl") as observer:
            observer.sources["alertmanager"].api.base_url = closed
            await observer.collect_baseline(timedelta(seconds=3))
            for _ in range(3):
                await observer.poll_once()
            return observer

    observer = asyncio.run(main())
    assert "alertmanager" in observer.unavailable_sources()
    assert all(view.at is not None for view in observer.views.values())  # prometheus kept going
