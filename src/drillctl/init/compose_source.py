"""The I/O edge of ``init``: find the compose files and read the project's configuration.

``docker compose config --format json`` gives the configuration exactly as Compose sees it
(interpolated, merged, every profile). When Docker or Compose is not available the YAML files are
read directly, with ``${VAR}``, ``${VAR:-default}`` and ``${VAR-default}`` interpolated from the
environment and the project's ``.env``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from drillctl.core.errors import ConfigError
from drillctl.init.inspect import inspect_config
from drillctl.init.model import Project, Tool
from drillctl.init.prometheus import config_mount, scrape_jobs
from drillctl.target import docker_cli
from drillctl.target.docker_cli import Runner, run_argv

COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def find_compose_files(project_dir: Path) -> list[Path]:
    """The files ``docker compose`` would pick here: the first canonical name + its override."""
    for name in COMPOSE_NAMES:
        if (project_dir / name).is_file():
            stem, ext = name.rsplit(".", 1)
            override = project_dir / f"{stem}.override.{ext}"
            return [Path(name)] + ([Path(override.name)] if override.is_file() else [])
    raise ConfigError(
        f"{project_dir}: no compose file found (looked for {', '.join(COMPOSE_NAMES)})",
        hint="run drillctl init in your compose project's folder, or pass --project-dir / -f",
    )


@dataclass(frozen=True)
class RawConfig:
    data: dict[str, Any]
    how: str


def compose_config(project_dir: Path, files: Sequence[Path], run: Runner = run_argv) -> RawConfig:
    """The project's configuration from Compose itself, or from its YAML files as a fallback."""
    data, how = docker_cli.compose_config(project_dir, files, run)
    if data is not None:
        return RawConfig(data, how)
    return RawConfig(read_yaml_files(project_dir, files), f"the YAML files ({how})")


_VAR = re.compile(
    r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Compose-style variable interpolation in every string of a parsed YAML tree."""
    if isinstance(value, str):
        return _VAR.sub(lambda m: _substitute(m, env), value)
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    return value


def _substitute(match: re.Match[str], env: Mapping[str, str]) -> str:
    if match.group(0) == "$$":
        return "$"
    name = match.group(1) or match.group(4)
    op, arg = match.group(2) or "", match.group(3) or ""
    value = env.get(name)
    unset = value is None or (op.startswith(":") and value == "")
    if op.endswith("-"):
        return arg if unset else str(value)
    if op.endswith("+"):
        return "" if unset else arg
    return "" if value is None else value


def dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and key and not key.startswith("#"):
            found[key.strip()] = value.strip().strip("'\"")
    return found


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping):
            merged[key] = _merge(old, value)
        elif (
            isinstance(old, list)
            and isinstance(value, list)
            and key in ("ports", "profiles", "volumes")
        ):
            merged[key] = old + [v for v in value if v not in old]
        else:
            merged[key] = value
    return merged


def read_yaml_files(project_dir: Path, files: Sequence[Path]) -> dict[str, Any]:
    env = {**dotenv(project_dir / ".env"), **os.environ}
    merged: dict[str, Any] = {}
    for file in files:
        path = file if file.is_absolute() else project_dir / file
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read the compose file: {exc}") from exc
        merged = _merge(merged, interpolate(data, env))
    return merged


def _read_prometheus_config(project: Project) -> dict[str, Any]:
    prom = project.tool(Tool.PROMETHEUS)
    mount = config_mount(prom) if prom else None
    if mount is None:
        return {}
    path = Path(mount[0]).expanduser()
    path = (path if path.is_absolute() else project.dir / path) / mount[1]
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def load_project(project_dir: Path, files: Sequence[Path] = (), run: Runner = run_argv) -> Project:
    """Inspect the compose project in ``project_dir`` (its default files unless ``files``)."""
    project_dir = project_dir.resolve()
    if not project_dir.is_dir():
        raise ConfigError(f"{project_dir}: no such directory")
    files = list(files) or find_compose_files(project_dir)
    raw = compose_config(project_dir, files, run)
    project = inspect_config(raw.data, project_dir=project_dir, files=files, how=raw.how)
    jobs = scrape_jobs(_read_prometheus_config(project), [s.name for s in project.services])
    return replace(project, scrape_jobs=jobs)
