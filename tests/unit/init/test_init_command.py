from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

from drillctl.config import load_settings
from drillctl.init.command import init_project
from drillctl.init.compose_source import Runner
from drillctl.scenario.loader import load_path
from drillctl.scenario.model import scenario_model


def test_init_writes_a_config_drillctl_loads_and_a_valid_starter(
    shop: Path, no_docker: Runner
) -> None:
    result = init_project(shop, run=no_docker)
    assert result.written == [shop / "drillctl.toml", shop / "drills" / "stop-shop-api.yaml"]
    settings = load_settings(config_path=result.config_path, env={})
    assert settings.project.dir == shop
    assert settings.project.files == [Path("compose.yaml")]
    assert settings.project.name == "drillctl-shop"
    assert settings.sources.prometheus == "http://127.0.0.1:29090"
    assert settings.drill.scenarios_dir == shop / "drills"
    scenario = yaml.safe_load(result.scenario_path.read_text())
    assert scenario_model().model_validate(scenario).name == "stop-shop-api"


def test_the_config_says_what_was_found_and_what_was_not(shop: Path, no_docker: Runner) -> None:
    text = init_project(shop, run=no_docker).config_path.read_text()
    assert "prometheus = \"http://127.0.0.1:29090\"  # service 'prometheus'" in text
    assert (
        "# alertmanager: not found: no service looks like alertmanager (image, name, program, "
        "port, healthcheck)" in text
    )
    assert "# profiles in this project: load" in text
    assert (
        "#   shop-redis   redis        127.0.0.1:26379->6379/tcp; healthcheck: redis-cli ping"
        in text
    )


def test_without_prometheus_init_says_so_and_still_writes_a_usable_config(
    no_prom: Path, no_docker: Runner
) -> None:
    result = init_project(no_prom, run=no_docker)
    text = result.config_path.read_text()
    for tool in ("prometheus", "alertmanager", "grafana", "loki", "jaeger"):
        assert f"# {tool}: not found: no service looks like {tool} (image, name" in text
    assert "# no observability source found" in text
    assert not result.has_prometheus
    settings = load_settings(config_path=result.config_path, env={})
    assert settings.sources.prometheus is None
    assert settings.project.name == "drillctl-noprom"
    scenario = scenario_model().model_validate(yaml.safe_load(result.scenario_path.read_text()))
    assert {s.source for s in scenario.signals} == {"http"}


def test_a_second_run_changes_nothing(shop: Path, no_docker: Runner) -> None:
    init_project(shop, run=no_docker)
    again = init_project(shop, run=no_docker)
    assert again.written == []
    assert len(again.unchanged) == 2


def test_init_asks_before_overwriting_and_keeps_the_file_on_no(
    shop: Path, no_docker: Runner
) -> None:
    config = shop / "drillctl.toml"
    config.write_text("# mine\n")
    asked: list[Path] = []
    result = init_project(shop, run=no_docker, confirm=lambda p: asked.append(p) or False)
    assert asked == [config]
    assert result.kept == [config]
    assert config.read_text() == "# mine\n"


def test_yes_overwrites_without_asking(shop: Path, no_docker: Runner) -> None:
    (shop / "drillctl.toml").write_text("# mine\n")

    def never(path: Path) -> bool:
        raise AssertionError("asked")

    result = init_project(shop, run=no_docker, yes=True, confirm=never)
    assert shop / "drillctl.toml" in result.written
    assert tomllib.loads((shop / "drillctl.toml").read_text())["project"]["dir"] == "."


def test_the_scenario_loader_reads_the_starter_and_substitutes_its_variables(
    shop: Path, no_docker: Runner
) -> None:
    result = init_project(shop, run=no_docker)
    scenario, _doc = load_path(result.scenario_path)
    assert scenario.signals[0].query == 'sum(up{job="shop-api"}) or vector(0)'
