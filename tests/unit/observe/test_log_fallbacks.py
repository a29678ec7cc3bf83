"""Compose logs (no Loki) and traces from log lines (no Jaeger), through a fake target driver."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from drillctl.config import SourcesConfig
from drillctl.core.errors import TargetError
from drillctl.observe.factory import build_sources, resolve_secret
from drillctl.observe.jaeger import JaegerSource, TraceLogSource
from drillctl.observe.loglines import logql_hints
from drillctl.observe.logs import ComposeLogsSource
from drillctl.scenario.model import EvidenceQuery, Signal
from drillctl.target.base import LogLine

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def api_line(seconds: float, level: str, msg: str, **extra: Any) -> LogLine:
    fields = {"ts": at(seconds).isoformat(), "level": level, "msg": msg, **extra}
    return LogLine("ebit-api", at(seconds), json.dumps(fields))


class FakeDriver:
    """Only what the log sources use of a TargetDriver."""

    name = "fake"

    def __init__(self, lines: list[LogLine]) -> None:
        self.lines = lines
        self.calls: list[tuple[list[str], datetime, datetime | None]] = []
        self.broken = False

    def services(self) -> list[str]:
        return ["ebit-api", "ebit-game"]

    def logs(
        self, services: list[str], since: datetime, until: datetime | None = None
    ) -> list[LogLine]:
        if self.broken:
            raise TargetError("docker compose logs failed: Cannot connect to the Docker daemon")
        self.calls.append((services, since, until))
        return [
            line for line in self.lines if line.service in services and line.at and line.at >= since
        ]


LINES = [
    api_line(1, "info", "GET /games 200", route="/games"),
    api_line(2, "error", "sign-in failed", route="/admin/signin", trace_id="t-1"),
    api_line(3, "error", "sign-in failed", route="/admin/signin", trace_id="t-2"),
    api_line(4, "error", "no trace id here", route="/bets"),
    api_line(5, "warning", "slow", route="/bets", trace_id="t-3"),
    api_line(6, "info", "POST /bets 500", route="/bets", status=500, trace_id="t-4"),
]


def signal(**kw: Any) -> Signal:
    return Signal.model_validate({"name": "s", "symptom": {"above": 1}, **kw})


def test_logs_signal_counts_matching_lines_in_the_window() -> None:
    driver = FakeDriver(LINES)
    source = ComposeLogsSource(driver, window=timedelta(seconds=10))  # type: ignore[arg-type]
    value = asyncio.run(
        source.read(signal(source="logs", query='"level": "error"', service="ebit-api"), at(7))
    )
    assert value == 3
    assert driver.calls == [(["ebit-api"], at(-3), at(7))]


def test_logs_evidence_uses_loki_hints_and_keeps_service_and_time() -> None:
    source = ComposeLogsSource(FakeDriver(LINES))  # type: ignore[arg-type]
    query = EvidenceQuery(
        name="errors", source="loki", query='{service_name="ebit-api"} |= "error"', limit=2
    )
    found = asyncio.run(source.evidence(query, at(0), at(10)))
    assert found.kind == "log" and found.source == "logs"
    assert [item["at"] for item in found.items] == [
        at(3).isoformat(),
        at(4).isoformat(),
    ]  # newest 2
    assert {item["service"] for item in found.items} == {"ebit-api"}


def test_a_driver_failure_is_an_unavailable_source() -> None:
    driver = FakeDriver(LINES)
    driver.broken = True
    source = ComposeLogsSource(driver)  # type: ignore[arg-type]
    try:
        asyncio.run(source.read(signal(source="logs", query="x", service="ebit-api"), at(7)))
    except Exception as exc:
        assert type(exc).__name__ == "SourceUnavailable" and "Docker daemon" in str(exc)
    else:
        raise AssertionError("expected SourceUnavailable")


def test_traces_from_error_lines_with_trace_ids() -> None:
    traces = TraceLogSource(ComposeLogsSource(FakeDriver(LINES)))  # type: ignore[arg-type]
    found = asyncio.run(
        traces.evidence(
            EvidenceQuery(name="spans", source="jaeger", service="ebit-api"), at(0), at(10)
        )
    )
    assert found.kind == "trace" and found.source == "logs"
    assert found.summary == (
        "spans: no Jaeger configured; 3 error log lines of ebit-api carry a trace id (logs), "
        "in 2 operations"
    )
    signin, bets = found.items
    assert signin == {
        "operation": "/admin/signin",
        "count": 2,
        "first_seen": at(2).isoformat(),
        "last_seen": at(3).isoformat(),
        "example_trace_id": "t-1",
        "link": None,
    }
    assert (
        bets["operation"] == "/bets" and bets["example_trace_id"] == "t-4"
    )  # 5xx counts, warnings do not


def test_logql_hints() -> None:
    assert logql_hints('{service_name="ebit-api", level="error"} |= "sign-in" |~ `fail(ed)?`') == (
        "ebit-api",
        r"(?=.*(?:sign\-in))(?=.*(?:fail(ed)?))",
    )
    assert logql_hints('{job="x"}') == ("x", None)
    assert logql_hints("") == (None, None)


def test_factory_wires_fallbacks_and_resolves_the_token_at_run_time() -> None:
    async def main() -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            bare = build_sources(
                SourcesConfig(prometheus="http://p"), client=client, driver=FakeDriver([])
            )  # type: ignore[arg-type]
            full = build_sources(
                SourcesConfig(jaeger="http://j", grafana="http://g", grafana_token="${env:TOKEN}"),
                client=client,
                env={"TOKEN": "glsa_secret"},
            )
            return {"bare": bare, "full": full}

    built = asyncio.run(main())
    bare, full = built["bare"], built["full"]
    assert set(bare) == {"prometheus", "logs", "jaeger", "http", "tcp", "redis", "sql"}
    assert isinstance(bare["jaeger"], TraceLogSource)
    assert isinstance(full["jaeger"], JaegerSource) and "logs" not in full
    assert full["grafana"].token == "glsa_secret"
    assert resolve_secret("${env:MISSING}", {}) is None and resolve_secret("plain", {}) == "plain"


def test_recent_lines_are_fetched_incrementally_at_most_every_refresh() -> None:
    driver = FakeDriver(list(LINES))
    mono = [0.0]
    source = ComposeLogsSource(  # type: ignore[arg-type]
        driver,
        window=timedelta(seconds=30),
        refresh=timedelta(seconds=5),
        monotonic=lambda: mono[0],
    )
    errors = signal(source="logs", query='"level": "error"', service="ebit-api")
    counts = []
    for second in range(7, 19):
        mono[0] = second
        if second == 9:
            driver.lines.append(api_line(8.5, "error", "late", route="/bets", trace_id="t-9"))
        counts.append(asyncio.run(source.read(errors, at(second))))
    assert len(driver.calls) == 3  # at 7 s (first), 12 s and 17 s (every 5 s), not 12 times
    assert driver.calls[1][1:] == (at(7), at(12))  # only what is new since the last fetch
    assert counts[:5] == [3] * 5 and counts[5:] == [4] * 7  # the late line shows after a refresh
    traces = TraceLogSource(source)
    asyncio.run(traces.read(signal(source="jaeger", query="ebit-api"), at(18)))
    assert len(driver.calls) == 4  # a wider window than the kept one is fetched directly
