from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from drillctl.core.errors import ConfigError
from drillctl.init.compose_source import (
    Runner,
    compose_config,
    find_compose_files,
    interpolate,
    load_project,
)
from drillctl.init.model import Tool


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${PORT:-28080}", "28080"),
        ("${EMPTY:-x}", "x"),
        ("${EMPTY-x}", ""),
        ("${SET:-x}", "9"),
        ("${UNSET}", ""),
        ("$SET/$$HOME", "9/$HOME"),
        ("${SET:+on}${UNSET:+on}", "on"),
    ],
)
def test_interpolate_follows_compose_rules(text: str, expected: str) -> None:
    assert interpolate({"a": [text]}, {"SET": "9", "EMPTY": ""}) == {"a": [expected]}


def test_find_compose_files_picks_the_canonical_name_and_its_override(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")
    (tmp_path / "docker-compose.override.yml").write_text("services: {}\n")
    assert find_compose_files(tmp_path) == [
        Path("docker-compose.yml"),
        Path("docker-compose.override.yml"),
    ]


def test_a_folder_without_compose_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no compose file found"):
        find_compose_files(tmp_path)


def test_compose_config_asks_docker_compose_for_every_profile(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def fake(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, json.dumps({"name": "x", "services": {}}), "")

    raw = compose_config(tmp_path, [Path("compose.yaml")], fake)
    assert raw.how == "docker compose config"
    assert calls[0][:2] == ["docker", "compose"]
    assert calls[0][-5:] == ["--profile", "*", "config", "--format", "json"]


def test_compose_config_falls_back_to_the_yaml_when_compose_fails(no_prom: Path) -> None:
    def failing(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 1, "", "Cannot connect to the Docker daemon\n")

    raw = compose_config(no_prom, [Path("compose.yaml")], failing)
    assert raw.how == "the YAML files (Cannot connect to the Docker daemon)"
    assert set(raw.data["services"]) == {"web", "cache"}


def test_load_project_without_docker_reads_the_yaml_and_the_prometheus_config(
    shop: Path, no_docker: Runner
) -> None:
    project = load_project(shop, run=no_docker)
    assert project.how.startswith("the YAML files (docker compose not runnable")
    assert project.name == "drillctl-shop"
    assert project.profiles == ["load"]
    assert project.tool(Tool.PROMETHEUS).name == "prometheus"
    assert project.tool(Tool.REDIS).name == "shop-redis"
    assert project.scrape_jobs == {"shop-api": "shop-api", "prometheus": "prometheus"}
    api = project.service("shop-api")
    assert [str(p) for p in api.ports] == ["127.0.0.1:28080->8000/tcp"]


def test_environment_overrides_the_published_ports(
    shop: Path, no_docker: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_PROMETHEUS_PORT", "39090")
    project = load_project(shop, run=no_docker)
    assert project.tool(Tool.PROMETHEUS).port_for(9090).published == 39090
