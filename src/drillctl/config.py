"""Global configuration: defaults < drillctl.toml < DRILLCTL_* environment < command-line flags.

The settings models, and ``settings_from``, which checks the layers ``core/config_layers.py``
found and read. Environment variables name a key by its section and field:
``DRILLCTL_SOURCES_PROMETHEUS=http://...``, ``DRILLCTL_PROJECT_DIR=...``; two short aliases exist
because they are the ones people set most: ``DRILLCTL_STATE_DIR`` and ``DRILLCTL_SCENARIOS_DIR``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from drillctl.core.config_layers import (
    ALIASES,
    PATH_FIELDS,
    Layers,
    read_layers,
    resolve,
    scalar_text,
)
from drillctl.core.durations import TextBounds
from drillctl.core.errors import ConfigError
from drillctl.core.urls import check_url


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


class Settings(_Section):
    project: ProjectConfig = ProjectConfig()
    sources: SourcesConfig = SourcesConfig()
    drill: DrillConfig = DrillConfig()
    safety: SafetyConfig = SafetyConfig()
    notify: NotifyConfig = NotifyConfig()
    readiness: ReadinessConfig = ReadinessConfig()
    # numbers are accepted as in a scenario's own vars: ([vars] clients = 200)
    vars: dict[str, Annotated[str, BeforeValidator(scalar_text)]] = Field(default_factory=dict)
    config_path: Path | None = None


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


def load_settings(
    *,
    config_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from the layers; ``overrides`` are the flags, nested like the file."""
    env = os.environ if env is None else env
    layers = read_layers(
        config_path=config_path, env=env, cwd=cwd or Path.cwd(), overrides=overrides
    )
    return settings_from(layers)


def settings_from(layers: Layers) -> Settings:
    """The layers checked by the models; a bad value is a ConfigError naming where it came from."""
    try:
        settings = Settings.model_validate(layers.merged())
    except ValidationError as exc:
        lines = [_config_problem(e, layers) for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from exc
    return _relative_to(settings, layers.base)


def _config_problem(err: Any, layers: Layers) -> str:
    """Name where the bad value came from: a flag, a DRILLCTL_* variable, or FILE:LINE:COL."""
    loc = tuple(str(p) for p in err["loc"])
    key = ".".join(loc)
    message = str(err["msg"]).removeprefix("Value error, ")
    if _has(layers.flags, loc):
        return f"command-line option {key}: {message}"
    if _has(layers.env, loc):
        return f"environment: {key}: {message} (from {_env_name(loc)})"
    if layers.path is None:
        return f"{key}: {message}"
    line, col = _locate(layers.text, loc)
    return f"{layers.path}:{line}:{col}: {key}: {message}"


def _has(layer: Mapping[str, Any], loc: tuple[str, ...]) -> bool:
    section = layer.get(loc[0]) if loc else None
    return isinstance(section, Mapping) and len(loc) > 1 and section.get(loc[1]) is not None


def _env_name(loc: tuple[str, ...]) -> str:
    aliased = {v: k for k, v in ALIASES.items()}.get((loc[0], loc[1]))
    return aliased or f"DRILLCTL_{loc[0].upper()}_{loc[1].upper()}"


def _relative_to(settings: Settings, base: Path) -> Settings:
    """Paths in drillctl.toml are relative to the file's folder, not to the current directory
    (the path fields are those the layers know: ``config_layers.PATH_FIELDS``)."""
    fixed: dict[str, dict[str, Path | None]] = {}
    for section, field in PATH_FIELDS:
        value = getattr(getattr(settings, section), field)
        fixed.setdefault(section, {})[field] = None if value is None else resolve(value, base)
    return settings.model_copy(
        update={name: getattr(settings, name).model_copy(update=u) for name, u in fixed.items()}
    )
