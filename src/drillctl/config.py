"""Global configuration: defaults < drillctl.toml < DRILLCTL_* environment < command-line flags.

The file is found as ``--config PATH``, else ``DRILLCTL_CONFIG``, else ``drillctl.toml`` in the
``--project-dir`` folder, else in the current directory or its parents. Environment variables
name a key by its section and field: ``DRILLCTL_SOURCES_PROMETHEUS=http://...``,
``DRILLCTL_PROJECT_DIR=...``; two short aliases exist because they are the ones people set most:
``DRILLCTL_STATE_DIR`` and ``DRILLCTL_SCENARIOS_DIR``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from drillctl.core.errors import ConfigError

CONFIG_NAME = "drillctl.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectConfig(_Section):
    dir: Path | None = None  # compose project directory
    files: list[Path] = []  # compose files (-f), relative to dir
    name: str | None = None  # compose project name
    profiles: list[str] = []
    driver: str = "compose"


class SourcesConfig(_Section):
    prometheus: str | None = None
    alertmanager: str | None = None
    loki: str | None = None
    loki_tenant: str | None = None
    jaeger: str | None = None
    grafana: str | None = None
    grafana_public_url: str | None = None  # base URL people open (deep links); defaults to grafana
    grafana_token: str | None = None
    timeout: str = "5s"


class DrillConfig(_Section):
    poll_interval: str = "1s"
    max_duration: str = "15m"  # cap on a whole drill after injection
    operator: str | None = None
    runbooks_dir: Path | None = None
    scenarios_dir: Path | None = None
    state_dir: Path | None = None
    blind_sets: dict[str, list[str]] = {}


class SafetyConfig(_Section):
    # DOCKER_HOST / docker context endpoints (e.g. "ssh://ci-host") allowed as drill targets
    allowed_docker_hosts: list[str] = []


class NotifyConfig(_Section):
    slack_webhook: str | None = None
    pagerduty_token: str | None = None
    slack_token: str | None = None


def _scalar_text(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Settings(_Section):
    project: ProjectConfig = ProjectConfig()
    sources: SourcesConfig = SourcesConfig()
    drill: DrillConfig = DrillConfig()
    safety: SafetyConfig = SafetyConfig()
    notify: NotifyConfig = NotifyConfig()
    # numbers are accepted as in a scenario's own vars: ([vars] clients = 200)
    vars: dict[str, Annotated[str, BeforeValidator(_scalar_text)]] = Field(default_factory=dict)
    config_path: Path | None = None


_ALIASES = {
    "DRILLCTL_STATE_DIR": ("drill", "state_dir"),
    "DRILLCTL_SCENARIOS_DIR": ("drill", "scenarios_dir"),
}


def find_config(
    explicit: Path | None, env: Mapping[str, str], cwd: Path, project_dir: Path | None = None
) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        return explicit
    if env.get("DRILLCTL_CONFIG"):
        return find_config(Path(env["DRILLCTL_CONFIG"]), {}, cwd)
    if project_dir is not None and (cwd / project_dir / CONFIG_NAME).is_file():
        return cwd / project_dir / CONFIG_NAME  # the project's own file, wherever we stand
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _env_layer(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    layer: dict[str, dict[str, Any]] = {}
    for key, value in env.items():
        if key in _ALIASES:
            section, field = _ALIASES[key]
        elif key.startswith("DRILLCTL_VAR_"):
            section, field = "vars", key.removeprefix("DRILLCTL_VAR_").lower()
        else:
            parts = key.removeprefix("DRILLCTL_").lower().split("_", 1)
            if not key.startswith("DRILLCTL_") or len(parts) != 2 or parts[0] not in _SECTIONS:
                continue
            section, field = parts
        layer.setdefault(section, {})[field] = _env_value(section, field, value)
    return layer


_SECTIONS = {"project", "sources", "drill", "safety", "notify"}
_LIST_FIELDS = {("project", "files"), ("project", "profiles"), ("safety", "allowed_docker_hosts")}


def _env_value(section: str, field: str, value: str) -> Any:
    return [v for v in value.split(",") if v] if (section, field) in _LIST_FIELDS else value


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping):  # also when base lacks the section: drop unset flags
            below = merged.get(key)
            merged[key] = _merge(below if isinstance(below, dict) else {}, value)
        elif value is not None:
            merged[key] = value
    return merged


def load_settings(
    *,
    config_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from the layers; ``overrides`` are the flags, nested like the file."""
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()
    flags = overrides or {}
    path = find_config(config_path, env, cwd, (flags.get("project") or {}).get("dir"))
    data = _read_toml(path) if path else {}
    data = _merge(data, _from_cwd(_env_layer(env), cwd))
    data = _merge(data, _from_cwd(overrides or {}, cwd))
    try:
        settings = Settings.model_validate({**data, "config_path": path})
    except ValidationError as exc:
        where = path or "environment"
        lines = [f"{where}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from exc
    return _relative_to(settings, path.parent if path else cwd)


_PATH_FIELDS = {
    ("project", "dir"),
    ("drill", "runbooks_dir"),
    ("drill", "scenarios_dir"),
    ("drill", "state_dir"),
}


def _from_cwd(layer: Mapping[str, Any], cwd: Path) -> dict[str, Any]:
    """Relative paths from the environment and from flags mean the current directory; only those
    written in drillctl.toml are relative to the file (``_relative_to``)."""
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in layer.items()}
    for section, field in _PATH_FIELDS:
        value = out.get(section, {}).get(field)
        if value is not None and not Path(value).is_absolute():
            out[section][field] = cwd / value
    return out


def _relative_to(settings: Settings, base: Path) -> Settings:
    """Paths in drillctl.toml are relative to the file's folder, not to the current directory."""

    def fix(p: Path | None) -> Path | None:
        return None if p is None else (p if p.is_absolute() else base / p)

    project = settings.project.model_copy(update={"dir": fix(settings.project.dir)})
    drill = settings.drill.model_copy(
        update={
            k: fix(getattr(settings.drill, k))
            for k in ("runbooks_dir", "scenarios_dir", "state_dir")
        }
    )
    return settings.model_copy(update={"project": project, "drill": drill})
