"""Static checks of the lab's configuration files, including the full-observability profile whose
official images cannot be pulled on every machine: valid YAML/JSON, the two dashboards by title,
every data source a panel names exists, and every PromQL query uses only metrics the lab exports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from drillctl.lab.contract import ALERTS, PROFILE_SERVICES, SERVICES, exported

COMPOSE = Path(__file__).resolve().parents[3] / "compose"
GRAFANA = COMPOSE / "grafana"
DASHBOARDS = {"ebit-perf-test", "perf-system"}
YAML_FILES = sorted(p for p in COMPOSE.rglob("*.y*ml") if ".wheels" not in p.parts)

_PROMQL_WORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
}


def promql_metrics(expr: str) -> set[str]:
    """Metric names a PromQL expression selects: no functions, keywords, labels or strings."""
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*", text):
        following = text[match.end() :].lstrip()[:1]
        if following != "(" and match.group().lower() not in _PROMQL_WORDS:
            names.add(match.group())
    return names


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dashboards() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        board = json.loads(path.read_text(encoding="utf-8"))
        found[board["title"]] = board
    return found


def panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for panel in board.get("panels", []):
        out.append(panel)
        out.extend(panel.get("panels", []))  # panels inside collapsed rows
    return out


def datasources() -> dict[str, str]:
    config = load_yaml(GRAFANA / "provisioning" / "datasources" / "datasources.yaml")
    return {ds["uid"]: ds["type"] for ds in config["datasources"]}


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(COMPOSE)))
def test_every_yaml_file_parses(path: Path) -> None:
    assert load_yaml(path) is not None


def test_compose_defines_the_contract_services_and_profiles() -> None:
    services = load_yaml(COMPOSE / "compose.yaml")["services"]
    default = {name for name, svc in services.items() if not svc.get("profiles")}
    assert default == SERVICES
    for profile, names in PROFILE_SERVICES.items():
        assert {n for n, s in services.items() if profile in s.get("profiles", [])} == names


def test_every_published_port_is_on_loopback_and_overridable() -> None:
    for name, svc in load_yaml(COMPOSE / "compose.yaml")["services"].items():
        for port in svc.get("ports", []):
            assert re.fullmatch(r"127\.0\.0\.1:\$\{EBIT_LAB_[A-Z_]+_PORT:-\d+\}:\d+", port), name


def test_every_service_has_a_healthcheck() -> None:
    for name, svc in load_yaml(COMPOSE / "compose.yaml")["services"].items():
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_the_two_drill_dashboards_are_provisioned_by_title_and_uid() -> None:
    boards = dashboards()
    assert set(boards) == DASHBOARDS
    assert all(board["uid"] == title for title, board in boards.items())
    provider = load_yaml(GRAFANA / "provisioning" / "dashboards" / "dashboards.yaml")
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_grafana_has_prometheus_loki_and_jaeger_data_sources() -> None:
    assert sorted(datasources().values()) == ["jaeger", "loki", "prometheus"]


@pytest.mark.parametrize("title", sorted(DASHBOARDS))
def test_every_panel_names_an_existing_data_source(title: str) -> None:
    known = datasources()
    for panel in panels(dashboards()[title]):
        for ref in [
            panel.get("datasource"),
            *(t.get("datasource") for t in panel.get("targets", [])),
        ]:
            if ref and ref.get("uid") != "-- Grafana --":
                assert ref.get("uid") in known, f"{title}/{panel['title']}: {ref}"


@pytest.mark.parametrize("title", sorted(DASHBOARDS))
def test_every_prometheus_query_uses_only_metrics_the_lab_exports(title: str) -> None:
    queries = 0
    for panel in panels(dashboards()[title]):
        for target in panel.get("targets", []):
            if (target.get("datasource") or panel["datasource"]).get("type") != "prometheus":
                continue
            queries += 1
            unknown = {m for m in promql_metrics(target["expr"]) if not exported(m)}
            assert not unknown, f"{title}/{panel['title']}: {sorted(unknown)} in {target['expr']}"
    assert queries >= 5


def test_the_metric_extractor_keeps_names_and_drops_the_rest() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket"
        '{service="ebit-api"}[$__rate_interval]))) / on(job) up offset 5m > bool 0'
    )
    assert promql_metrics(expr) == {"http_request_duration_seconds_bucket", "up"}


def test_alertmanager_routes_to_a_defined_receiver() -> None:
    config = load_yaml(COMPOSE / "alertmanager" / "alertmanager.yml")
    assert config["route"]["receiver"] in {r["name"] for r in config["receivers"]}


def test_prometheus_scrapes_every_second_and_loads_the_rules() -> None:
    config = load_yaml(COMPOSE / "prometheus" / "prometheus.yml")
    assert config["global"]["scrape_interval"] == config["global"]["evaluation_interval"] == "1s"
    rules = load_yaml(COMPOSE / "prometheus" / "rules.yml")
    assert {r["alert"] for g in rules["groups"] for r in g["rules"]} == ALERTS
