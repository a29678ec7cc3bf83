"""init on a project deployed as a swarm stack: driver = "swarm" and the stack's name."""

from __future__ import annotations

import subprocess
from pathlib import Path

from drillctl.config import load_settings
from drillctl.init.command import init_project


def swarm_runner(stacks: str, services: str):
    def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        if argv[:3] == ["docker", "stack", "ls"]:
            return subprocess.CompletedProcess(argv, 0, stacks, "")
        if argv[:3] == ["docker", "stack", "services"]:
            return subprocess.CompletedProcess(argv, 0, services if argv[3] == "shop" else "", "")
        raise FileNotFoundError(2, "No such file or directory", argv[0])  # no compose here

    return run


def wanted(shop: Path) -> set[str]:
    from drillctl.init.compose_source import load_project

    project = load_project(shop, (), swarm_runner("", ""))
    return {s.name for s in project.services if not s.profiles}


def test_a_stack_running_every_service_makes_init_choose_the_swarm_driver(shop: Path) -> None:
    services = "".join(f"shop_{name}\n" for name in wanted(shop))
    result = init_project(shop, run=swarm_runner("other\nshop\n", services))
    settings = load_settings(config_path=result.config_path, env={})
    assert (settings.project.driver, settings.project.name) == ("swarm", "shop")
    assert any("swarm stack 'shop'" in note for note in result.notes)


def test_no_matching_stack_keeps_compose(shop: Path) -> None:
    result = init_project(shop, run=swarm_runner("shop\n", "shop_unrelated\n"))
    settings = load_settings(config_path=result.config_path, env={})
    assert settings.project.driver == "compose" and settings.project.name == "drillctl-shop"
