from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from observe_fakes import FakeSource, make_scenario

from drillctl.core.errors import TargetError
from drillctl.observe.base import QueryError
from drillctl.observe.doctor import Doctor, failed_required
from drillctl.observe.grafana import Dashboard
from drillctl.observe.prometheus import RuleHealth
from drillctl.scenario.model import Signal
from drillctl.target.base import ServiceState

SIGNALS = [
    {"name": "queue", "source": "prometheus", "query": "q", "symptom": {"above": 1}},
    {"name": "fails", "source": "prometheus", "query": "f", "symptom": {"above": 1}},
    {"name": "bad", "source": "prometheus", "query": "sum((", "symptom": {"above": 1}},
]


class Prom(FakeSource):
    async def rule_health(self) -> list[RuleHealth]:
        return [
            RuleHealth("ebit", "EbitApiDown", "alerting", "ok", None),
            RuleHealth(
                "ebit",
                "BetsLost",
                "alerting",
                "err",
                "vector contains metrics with the same labelset",
            ),
        ]

    async def read(self, signal: Signal, at: datetime) -> float | None:
        if signal.name == "bad":
            raise QueryError("prometheus", "bad_data: parse error", f"signal {signal.name}")
        return await super().read(signal, at)


class Grafana(FakeSource):
    async def find_dashboard(self, title: str) -> Dashboard | None:
        return Dashboard("u1", title, "/d/u1") if title == "ebit-perf-test" else None


class Driver:
    def describe(self) -> dict[str, Any]:
        return {"project": "ebit-lab"}

    def services(self) -> list[str]:
        return ["ebit-api", "ebit-game"]

    def state(self, service: str) -> ServiceState:
        return ServiceState(service, 1, 1 if service == "ebit-api" else 0, "running", None)


def rows(checks: list[Any]) -> dict[tuple[str, str], tuple[str, bool, str]]:
    return {(c.component, c.item): (c.status, c.required, c.detail) for c in checks}


def test_doctor_rows_and_what_is_required() -> None:
    scenario = make_scenario(
        SIGNALS,
        dashboards=["ebit-perf-test", "perf-system"],  # no default since #19: named here
        expect={
            "alerts": [{"name": "EbitApiDown"}, {"name": "BetsLost"}, {"name": "Nope"}],
            "invariants": [{"name": "lost", "source": "sql", "query": "x", "equals": 0}],
        },
    )
    prom = Prom("prometheus", {"queue": lambda at: 3.0, "fails": lambda at: None})
    am = FakeSource("alertmanager")
    am.down = "ConnectError: refused"
    sources = {"prometheus": prom, "alertmanager": am, "grafana": Grafana("grafana")}
    doctor = Doctor(sources, driver_factory=Driver, now=lambda: datetime.now().astimezone())  # type: ignore[arg-type]
    got = rows(asyncio.run(doctor.run(scenario)))
    assert got[("prometheus", "reachable")] == ("ok", True, "version fake")
    assert got[("alertmanager", "reachable")] == (
        "fail",
        False,
        "unavailable: ConnectError: refused",
    )
    assert got[("sql", "-")] == ("fail", True, "not configured")
    assert got[("compose", "ebit-lab")] == ("ok", True, "ebit-lab: 1/2 services running")
    assert got[("signal", "queue (prometheus)")] == ("ok", True, "3")
    assert got[("signal", "fails (prometheus)")][:2] == ("warn", False)
    assert (
        got[("signal", "bad (prometheus)")][0] == "fail"
        and "parse error" in got[("signal", "bad (prometheus)")][2]
    )
    assert got[("alert rule", "EbitApiDown")][0] == "ok"
    assert got[("alert rule", "BetsLost")][0] == "fail"
    assert got[("alert rule", "Nope")][2] == "Prometheus has no alerting rule of this name"
    assert got[("dashboard", "ebit-perf-test")] == ("ok", True, "uid u1")
    assert got[("dashboard", "perf-system")][0] == "fail"
    failed = {(c.component, c.item) for c in failed_required(asyncio.run(doctor.run(scenario)))}
    assert ("alertmanager", "reachable") not in failed and ("sql", "-") in failed


def test_doctor_without_scenario_or_docker() -> None:
    def no_docker() -> Any:
        raise TargetError("cannot list the containers of ebit-lab: connection refused")

    doctor = Doctor(
        {"prometheus": Prom("prometheus")},
        driver_factory=no_docker,
        now=lambda: datetime.now().astimezone(),
    )
    got = rows(asyncio.run(doctor.run(None)))
    assert got[("compose", "project")] == (
        "fail",
        True,
        "cannot list the containers of ebit-lab: connection refused",
    )
    assert got[("prometheus", "reachable")] == ("ok", False, "version fake")


class TraceLogs(FakeSource):
    """What observe/factory puts under "jaeger" when no Jaeger is configured."""

    async def check(self) -> dict[str, Any]:
        return {"fallback": "no Jaeger: error log lines with trace ids, via logs"}


def test_a_source_nobody_configured_reads_not_configured_never_ok() -> None:
    """#17: `jaeger reachable ok` with no Jaeger. The log fallback is named, the row is not ok."""
    sources = {"prometheus": Prom("prometheus"), "jaeger": TraceLogs("jaeger")}
    doctor = Doctor(
        sources,
        driver_factory=Driver,  # type: ignore[arg-type]
        now=lambda: datetime.now().astimezone(),
        configured={"prometheus"},
    )
    got = rows(asyncio.run(doctor.run(None)))
    assert ("jaeger", "reachable") not in got
    assert got[("jaeger", "-")] == (
        "not configured",
        False,
        "no Jaeger: error log lines with trace ids, via logs",
    )
    for name in ("alertmanager", "grafana", "loki"):
        how = f"set [sources] {name} in drillctl.toml or DRILLCTL_SOURCES_{name.upper()}"
        assert got[(name, "-")] == ("not configured", False, how)
    assert got[("prometheus", "reachable")] == ("ok", False, "version fake")
