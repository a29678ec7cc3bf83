"""Global configuration: defaults < drillctl.toml < DRILLCTL_* environment < command-line flags.

The file is found as ``--config PATH``, else ``DRILLCTL_CONFIG``, else ``drillctl.toml`` in the
``--project-dir`` folder, else in the current directory or its parents. Environment variables
name a key by its section and field: ``DRILLCTL_SOURCES_PROMETHEUS=http://...``,
``DRILLCTL_PROJECT_DIR=...``; two short aliases exist because they are the ones people set most:
``DRILLCTL_STATE_DIR`` and ``DRILLCTL_SCENARIOS_DIR``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from drillctl.core import inputs
from drillctl.core.durations import TextBounds
from drillctl.core.errors import ConfigError, ScenarioError
from drillctl.core.urls import check_url

CONFIG_NAME = "drillctl.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# durations kept as their text, but checked when the file is loaded (not when first used)
_Timeout = Annotated[str, TextBounds("100ms", "5m")]
_PollInterval = Annotated[str, TextBounds("100ms", "1m")]
_DrillCap = Annotated[str, TextBounds("1s", "24h")]
_Url = Annotated[str, AfterValidator(lambda url: url and check_url(url))]  # "": not set


class ProjectConfig(_Section):
    dir: Path | None = None  # compose project directory
    files: list[Path] = []  # compose files (-f), relative to dir
    name: str | None = None  # compose project name
    profiles: list[str] = []
    driver: str = "compose"


class SourcesConfig(_Section):
    prometheus: _Url | None = None
    alertmanager: _Url | None = None
    loki: _Url | None = None
    loki_tenant: str | None = None
    jaeger: _Url | None = None
    grafana: _Url | None = None
    grafana_public_url: _Url | None = None  # base URL people open (deep links); defaults to grafana
    grafana_token: str | None = None
    timeout: _Timeout = "5s"  # per-request timeout for every source


def _matcher(text: str) -> str:
    from drillctl.core.matchers import parse_matcher  # the CLI starts without it

    parse_matcher(text)  # ValueError: a located configuration error
    return text


Matcher = Annotated[str, AfterValidator(_matcher)]


class DrillConfig(_Section):
    poll_interval: _PollInterval = "1s"  # how often signals are read
    max_duration: _DrillCap = "15m"  # cap on a whole drill after injection
    operator: str | None = None
    runbooks_dir: Path | None = None
    scenarios_dir: Path | None = None
    state_dir: Path | None = None
    blind_sets: dict[str, list[str]] = {}
    silence: list[Matcher] = []  # Alertmanager matchers: a silence held while the drill runs


class SafetyConfig(_Section):
    # DOCKER_HOST / docker context endpoints (e.g. "ssh://ci-host") allowed as drill targets
    allowed_docker_hosts: list[str] = []


class NotifyConfig(_Section):
    slack_webhook: str | None = None
    pagerduty_token: str | None = None
    slack_token: str | None = None


class ReadinessConfig(_Section):
    security_register: Path | None = None  # `drillctl security review` REGISTER
    repo: Path | None = None  # the repository the register's source links point into
    api_reference: Path | None = None  # `drillctl changes` API_REFERENCE_DIR
    migrations: Path | None = None  # the prisma/migrations folder


def _scalar_text(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Settings(_Section):
    project: ProjectConfig = ProjectConfig()
    sources: SourcesConfig = SourcesConfig()
    drill: DrillConfig = DrillConfig()
    safety: SafetyConfig = SafetyConfig()
    notify: NotifyConfig = NotifyConfig()
    readiness: ReadinessConfig = ReadinessConfig()
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


_TOML_AT = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$", re.DOTALL)


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The file's data and text (the text locates schema errors), or a located ConfigError."""
    try:
        text = inputs.read_text(path)
    except ScenarioError as exc:
        raise ConfigError(str(exc)) from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_AT.match(str(exc))
        where = f"{found.group(2)}:{found.group(3)}" if found else "1:1"
        reason = found.group(1) if found else str(exc)
        raise ConfigError(f"{path}:{where}: not valid TOML: {reason}") from exc
    except (ValueError, RecursionError) as exc:  # int("9" * 5000), nesting past the stack
        line, col = _long_number(text)
        reason = str(exc).split(";")[0] or type(exc).__name__
        raise ConfigError(f"{path}:{line}:{col}: not valid TOML: {reason}") from exc


def _long_number(text: str) -> tuple[int, int]:
    match = re.search(r"\d{1000,}", text)
    return inputs.text_position(text, match.start()) if match else (1, 1)


def _locate(text: str, loc: tuple[Any, ...]) -> tuple[int, int]:
    """Line and column of ``[section]`` ``key =`` in the file (tomllib keeps no positions)."""
    section, key = (str(loc[0]), str(loc[1]) if len(loc) > 1 else None) if loc else ("", None)
    current, found = "", (1, 1)
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if current == section and found == (1, 1):
                found = (number, line.index("[") + 1)
        elif current == section and key and re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return number, line.index(stripped[0]) + 1
    return found


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


_SECTIONS = {"project", "sources", "drill", "safety", "notify", "readiness"}
_LIST_FIELDS = {
    ("project", "files"),
    ("project", "profiles"),
    ("safety", "allowed_docker_hosts"),
    ("drill", "silence"),  # DRILLCTL_DRILL_SILENCE='env="shared",team="x"'
}


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
    flags = _from_cwd(overrides or {}, cwd)
    path = find_config(config_path, env, cwd, (flags.get("project") or {}).get("dir"))
    data, text = _read_toml(path) if path else ({}, "")
    env_layer = _from_cwd(_env_layer(env), cwd)
    try:
        settings = Settings.model_validate(
            {**_merge(_merge(data, env_layer), flags), "config_path": path}
        )
    except ValidationError as exc:
        lines = [_config_problem(e, path, text, env_layer, flags) for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from exc
    return _relative_to(settings, path.parent if path else cwd)


def _config_problem(
    err: Any, path: Path | None, text: str, env_layer: Mapping[str, Any], flags: Mapping[str, Any]
) -> str:
    """Name where the bad value came from: a flag, a DRILLCTL_* variable, or FILE:LINE:COL."""
    loc = tuple(str(p) for p in err["loc"])
    key = ".".join(loc)
    message = str(err["msg"]).removeprefix("Value error, ")
    if _has(flags, loc):
        return f"command-line option {key}: {message}"
    if _has(env_layer, loc):
        return f"environment: {key}: {message} (from {_env_name(loc)})"
    if path is None:
        return f"{key}: {message}"
    line, col = _locate(text, loc)
    return f"{path}:{line}:{col}: {key}: {message}"


def _has(layer: Mapping[str, Any], loc: tuple[str, ...]) -> bool:
    section = layer.get(loc[0]) if loc else None
    return isinstance(section, Mapping) and len(loc) > 1 and section.get(loc[1]) is not None


def _env_name(loc: tuple[str, ...]) -> str:
    aliased = {v: k for k, v in _ALIASES.items()}.get((loc[0], loc[1]))
    return aliased or f"DRILLCTL_{loc[0].upper()}_{loc[1].upper()}"


_PATH_FIELDS = {
    ("project", "dir"),
    ("drill", "runbooks_dir"),
    ("drill", "scenarios_dir"),
    ("drill", "state_dir"),
    *(("readiness", f) for f in ("security_register", "repo", "api_reference", "migrations")),
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
    readiness = settings.readiness.model_copy(
        update={k: fix(getattr(settings.readiness, k)) for k in ReadinessConfig.model_fields}
    )
    return settings.model_copy(update={"project": project, "drill": drill, "readiness": readiness})
