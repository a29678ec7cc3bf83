from __future__ import annotations

from pathlib import Path

import pytest

from drillctl.init.inspect import detect_tool, inspect_config, parse_healthcheck, parse_port
from drillctl.init.model import Healthcheck, Port, Tool


@pytest.mark.parametrize(
    ("name", "image", "tool"),
    [
        ("prometheus", None, Tool.PROMETHEUS),
        ("metrics", "prom/prometheus:v2.42.0", Tool.PROMETHEUS),
        ("metrics", "quay.io/prometheus/prometheus", Tool.PROMETHEUS),
        ("am", "prom/alertmanager", Tool.ALERTMANAGER),
        ("prometheus-alertmanager", None, Tool.ALERTMANAGER),
        ("dash", "grafana/grafana:11.0.0", Tool.GRAFANA),
        ("logs", "grafana/loki:3.0.0", Tool.LOKI),
        ("tracing", "jaegertracing/all-in-one:1.57", Tool.JAEGER),
        ("cache", "redis:7-alpine", Tool.REDIS),
        ("shop-redis", "localhost:5000/team/shop-redis:test", Tool.REDIS),
        ("db", "postgres:16", Tool.POSTGRES),
        ("redis-exporter", "oliver006/redis_exporter", Tool.EXPORTER),
        ("promtail", "grafana/promtail", None),
        ("api", "ghcr.io/acme/api:1.2", None),
        ("worker", None, None),
    ],
)
def test_detect_tool_reads_the_image_then_the_name(
    name: str, image: str | None, tool: Tool
) -> None:
    assert detect_tool(name, image) is tool


@pytest.mark.parametrize(
    ("raw", "port"),
    [
        ("127.0.0.1:28080:8000", Port(8000, 28080, "127.0.0.1")),
        ("8080:80/udp", Port(80, 8080, "", "udp")),
        ("9090", Port(9090, None)),
        (9090, Port(9090, None)),
        ("[::1]:5432:5432", Port(5432, 5432, "::1")),
        ("8000-8002:8000-8002", Port(8000, 8000)),
        (
            {"mode": "ingress", "host_ip": "127.0.0.1", "target": 9090, "published": "29090"},
            Port(9090, 29090, "127.0.0.1"),
        ),
        ({"target": 80}, Port(80, None)),
        ("not a port", None),
    ],
)
def test_parse_port_reads_short_and_long_syntax(raw: object, port: Port | None) -> None:
    assert parse_port(raw) == port


def test_a_port_bound_to_every_address_is_reached_on_loopback() -> None:
    assert str(Port(80, 8080, "0.0.0.0")) == "127.0.0.1:8080->80/tcp"
    assert str(Port(80, 8080, "::1")) == "[::1]:8080->80/tcp"
    assert str(Port(80, None)) == "80/tcp (not published)"


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        ({"test": ["CMD", "redis-cli", "ping"]}, Healthcheck(("redis-cli", "ping"))),
        ({"test": ["CMD-SHELL", "curl -f localhost"]}, Healthcheck(("curl -f localhost",))),
        ({"test": "curl -f localhost"}, Healthcheck(("curl -f localhost",))),
        ({"test": ["NONE"]}, Healthcheck((), disabled=True)),
        ({"disable": True}, Healthcheck((), disabled=True)),
        ({"interval": "5s"}, None),
        (None, None),
    ],
)
def test_parse_healthcheck(raw: object, check: Healthcheck | None) -> None:
    assert parse_healthcheck(raw) == check


def test_inspect_config_collects_services_profiles_and_tools() -> None:
    config = {
        "name": "acme",
        "services": {
            "api": {"build": {"context": "."}, "ports": ["127.0.0.1:8080:8080"]},
            "prometheus": {
                "image": "prom/prometheus",
                "volumes": [
                    "./prom/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                    "data:/prom",
                ],
            },
            "debug": {"image": "busybox", "profiles": ["debug", "tools"]},
        },
    }
    project = inspect_config(
        config, project_dir=Path("/srv/acme"), files=[Path("compose.yaml")], how="x"
    )
    assert project.name == "acme"
    assert [s.name for s in project.services] == ["api", "debug", "prometheus"]
    assert project.profiles == ["debug", "tools"]
    assert project.tool(Tool.PROMETHEUS).volumes == (
        ("./prom/prometheus.yml", "/etc/prometheus/prometheus.yml"),
    )
    assert project.service("api").built
    assert project.tool(Tool.GRAFANA) is None


def test_project_name_defaults_to_the_folder_name_as_compose_normalises_it() -> None:
    project = inspect_config(
        {"services": {}}, project_dir=Path("/srv/My Shop.v2"), files=[], how="x"
    )
    assert project.name == "myshopv2"
