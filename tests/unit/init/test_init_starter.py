from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from drillctl.core.errors import ConfigError
from drillctl.init.compose_source import Runner, load_project
from drillctl.init.inspect import inspect_config
from drillctl.init.model import Project
from drillctl.init.render import render_scenario
from drillctl.init.starter import Starter, build_starter, choose_service
from drillctl.scenario.model import scenario_model


def validated(starter: Starter, project: Project) -> object:
    """What the scenario loader would see: the written text, parsed and validated by the model."""
    return scenario_model().model_validate(yaml.safe_load(render_scenario(starter, project, "x")))


def _project(services: dict[str, object], jobs: dict[str, str] | None = None) -> Project:
    project = inspect_config({"services": services}, project_dir=Path("/p"), files=[], how="x")
    return replace(project, scrape_jobs=jobs or {})


def test_the_application_service_prometheus_scrapes_is_the_one_stopped(
    shop: Path, no_docker: Runner
) -> None:
    assert choose_service(load_project(shop, run=no_docker)).name == "shop-api"


def test_an_unknown_service_names_the_ones_that_exist(shop: Path, no_docker: Runner) -> None:
    with pytest.raises(ConfigError, match=r"'nope' is not in .*shop-api"):
        choose_service(load_project(shop, run=no_docker), "nope")


def test_a_project_of_tooling_only_has_no_service_to_drill() -> None:
    project = _project({"prometheus": {"image": "prom/prometheus"}, "x": {"profiles": ["p"]}})
    with pytest.raises(ConfigError, match="no service to drill"):
        choose_service(project)


def test_with_prometheus_the_drill_watches_up_and_an_error_ratio(
    shop: Path, no_docker: Runner
) -> None:
    project = load_project(shop, run=no_docker)
    starter = build_starter(project, choose_service(project), prometheus=True)
    scenario = validated(starter, project)
    assert starter.file_name == "stop-shop-api.yaml"
    assert scenario.vars == {"job": "shop-api"}
    assert [(s.source, s.primary) for s in scenario.signals] == [
        ("prometheus", True),
        ("prometheus", False),
    ]
    assert scenario.signals[0].query == 'sum(up{job="${var:job}"}) or vector(0)'
    assert scenario.faults[0].type == "stop-service"
    assert scenario.faults[0].service == "shop-api"
    assert scenario.traffic.http[0].url == "http://127.0.0.1:28080/"
    assert scenario.expect.recovered_within is not None
    assert starter.notes == []


def test_an_unscraped_service_gets_a_guessed_job_and_a_todo() -> None:
    project = _project({"api": {"image": "acme/api", "ports": ["8080:8080"]}})
    starter = build_starter(project, choose_service(project), prometheus=True)
    assert starter.doc["vars"] == {"job": "api"}
    assert "vars.job is a guess" in starter.notes[0]
    assert "# TODO: no Prometheus scrape job found for api" in render_scenario(
        starter, project, "x"
    )


def test_without_prometheus_an_http_probe_hits_the_healthcheck_path(
    no_prom: Path, no_docker: Runner
) -> None:
    project = load_project(no_prom, run=no_docker)
    starter = build_starter(project, choose_service(project), prometheus=False)
    scenario = validated(starter, project)
    assert [(s.source, s.query) for s in scenario.signals] == [
        ("http", "http://127.0.0.1:28180/healthz")
    ]
    assert scenario.faults[0].service == "web"


def test_a_service_without_http_gets_a_tcp_probe(no_prom: Path, no_docker: Runner) -> None:
    project = load_project(no_prom, run=no_docker)
    starter = build_starter(project, choose_service(project, "cache"), prometheus=False)
    scenario = validated(starter, project)
    assert [(s.source, s.query) for s in scenario.signals] == [("tcp", "127.0.0.1:26479")]
    assert "traffic" not in starter.doc


def test_a_service_without_published_port_gets_an_address_to_fill_in() -> None:
    project = _project({"worker": {"image": "acme/worker"}})
    starter = build_starter(project, choose_service(project), prometheus=False)
    scenario = validated(starter, project)
    assert scenario.signals[0].query == "${var:address}"
    assert "publishes no port" in starter.notes[0]
