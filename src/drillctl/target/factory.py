"""Build the target driver from the settings (or from a journal's ``run.started`` target).

This is the one place that checks the docker endpoint is safe to drill before any driver exists.
The project is found like ``docker compose`` finds it: directory, files and name from flags and
config, else the compose defaults (``compose.yaml`` in the directory, the name compose derives).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from drillctl.config import Settings
from drillctl.core.clock import Clock
from drillctl.core.errors import ConfigError, TargetError
from drillctl.target.base import TargetDriver
from drillctl.target.compose import ComposeDriver, ComposeProject
from drillctl.target.compose_files import project_files
from drillctl.target.safety import safe_endpoint
from drillctl.target.swarm_factory import swarm_driver

DRIVERS = ("compose", "swarm")


def build_driver(
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    cwd: Path | None = None,
    target: Mapping[str, Any] | None = None,
) -> TargetDriver:
    """The driver for the configured project; ``target`` (from a journal) takes precedence."""
    env = os.environ if env is None else env
    target = target or {}
    kind = str(target.get("driver") or settings.project.driver)
    if kind not in DRIVERS:
        raise ConfigError(f"unknown target driver {kind!r}; drillctl knows: {', '.join(DRIVERS)}")
    endpoint = safe_endpoint(settings.safety.allowed_docker_hosts, env)
    if kind == "swarm":
        return swarm_driver(settings, env, cwd or Path.cwd(), target, endpoint, clock)
    return ComposeDriver(
        compose_project(settings, env, cwd or Path.cwd(), target), endpoint=endpoint, clock=clock
    )


def compose_project(
    settings: Settings, env: Mapping[str, str], cwd: Path, target: Mapping[str, Any]
) -> ComposeProject:
    cfg = settings.project
    directory = Path(target.get("project_dir") or cfg.dir or cwd).resolve()
    files = project_files(directory, [Path(f) for f in target.get("files") or cfg.files])
    profiles = list(target.get("profiles") or cfg.profiles)
    name = (
        target.get("project")
        or cfg.name
        or env.get("COMPOSE_PROJECT_NAME")
        or _derived_name(directory, files)
    )
    return ComposeProject(directory=directory, files=files, name=str(name), profiles=profiles)


def _derived_name(directory: Path, files: list[Path]) -> str:
    """The name compose itself gives the project (a top-level ``name:``, else the directory's)."""
    client = DockerClient(compose_files=list(files), compose_project_directory=directory)
    try:
        return str(client.compose.config(return_json=True)["name"])
    except (DockerException, KeyError) as exc:
        raise TargetError(f"cannot read the compose project in {directory}: {exc}") from exc
