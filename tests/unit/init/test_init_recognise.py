"""init recognises Prometheus, Alertmanager, Loki, Jaeger and Grafana by what they run and expose
when their image and service name say nothing (tests/fixtures/own-names-stack)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from drillctl.config import load_settings
from drillctl.init.command import init_project
from drillctl.init.compose_source import Runner
from drillctl.init.inspect import inspect_config, parse_service
from drillctl.init.model import Tool
from drillctl.init.recognise import program
from drillctl.init.sources import find_sources

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "own-names-stack"


@pytest.fixture
def own_names(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "own-names"))


def test_init_finds_a_prometheus_called_metrics_store_and_wires_every_source(
    own_names: Path, no_docker: Runner
) -> None:
    result = init_project(own_names, run=no_docker)
    sources = load_settings(config_path=result.config_path, env={}).sources
    assert sources.prometheus == "http://127.0.0.1:19091"
    assert sources.alertmanager == "http://127.0.0.1:19193"
    assert sources.loki == "http://127.0.0.1:13101"
    assert sources.jaeger == "http://127.0.0.1:16687"
    assert sources.grafana == "http://127.0.0.1:13002"
    assert "# service 'metrics-store'" in result.config_path.read_text()


def test_each_service_is_recognised_by_its_own_sign() -> None:
    config = yaml.safe_load((FIXTURE / "compose.yaml").read_text(encoding="utf-8"))
    project = inspect_config(config, project_dir=FIXTURE, files=[Path("compose.yaml")], how="yaml")
    tools = {s.name: s.tool for s in project.services}
    assert tools == {
        "storefront": None,  # port 3000 and /healthz: an app, not Grafana
        "metrics-store": Tool.PROMETHEUS,  # command /bin/prometheus
        "alert-router": Tool.ALERTMANAGER,  # /-/healthy on 9093
        "log-store": Tool.LOKI,  # sh -c "exec loki ..."
        "tracing": Tool.JAEGER,  # port 16686
        "dashboards": Tool.GRAFANA,  # /api/health
    }
    assert {f.tool: f.service and f.service.name for f in find_sources(project)}[
        Tool.PROMETHEUS
    ] == "metrics-store"


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["/bin/prometheus", "--config.file=x"], "prometheus"),
        (["tini", "--", "alertmanager"], "alertmanager"),
        (["/bin/sh", "-c", "exec loki -config.file=/etc/loki.yaml"], "loki"),
        (["dumb-init", "/usr/sbin/grafana-server"], "grafana-server"),
        (["--config.file=x"], None),
        ([], None),
    ],
)
def test_the_program_is_found_past_wrappers(argv: list[str], name: str | None) -> None:
    assert program(argv) == name


@pytest.mark.parametrize(
    ("raw", "tool"),
    [
        ({"image": "acme/tsdb", "command": "prometheus --web.enable-lifecycle"}, Tool.PROMETHEUS),
        ({"image": "acme/x", "entrypoint": ["/opt/jaeger-all-in-one"]}, Tool.JAEGER),
        ({"image": "acme/x", "ports": ["9090:9090"]}, Tool.PROMETHEUS),
        ({"image": "acme/x", "ports": ["3000:3000"]}, None),
        ({"image": "acme/x", "command": ["python", "app.py"], "ports": ["8000"]}, None),
        # a name that says what it is not wins over a well-known port
        ({"image": "acme/node-exporter", "ports": ["9090:9090"]}, Tool.EXPORTER),
        ({"image": "acme/pushgateway", "ports": ["9090:9090"]}, None),
    ],
)
def test_what_a_service_runs_and_exposes(raw: dict[str, object], tool: Tool | None) -> None:
    assert parse_service("svc", raw).tool is tool
