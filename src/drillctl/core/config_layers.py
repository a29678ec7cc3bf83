"""The configuration layers as found, before the settings models check them: drillctl.toml, the
DRILLCTL_* environment and the command-line flags, each read into a dict.

``config.py`` validates the merged layers into ``Settings`` (pydantic). The scenario verbs
(``list``, ``show``, ``validate``) need two values only, ``[drill] scenarios_dir`` and ``[vars]``;
``scenario_inputs`` reads them here, without pydantic, so those commands start in about half the
time. When either value is not plainly valid it answers None and the caller validates the whole
file, which reports the problem where it is (FILE:LINE:COL).

The file is found as ``--config PATH``, else ``DRILLCTL_CONFIG``, else ``drillctl.toml`` in the
``--project-dir`` folder, else in the current directory or its parents.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drillctl.core import inputs
from drillctl.core.errors import ConfigError, ScenarioError

CONFIG_NAME = "drillctl.toml"

# two short aliases, because they are the ones people set most
ALIASES = {
    "DRILLCTL_STATE_DIR": ("drill", "state_dir"),
    "DRILLCTL_SCENARIOS_DIR": ("drill", "scenarios_dir"),
}
_SECTIONS = {"project", "sources", "drill", "safety", "notify", "readiness"}
_LIST_FIELDS = {
    ("project", "files"),
    ("project", "profiles"),
    ("safety", "allowed_docker_hosts"),
    ("drill", "silence"),  # DRILLCTL_DRILL_SILENCE='env="shared",team="x"'
}
PATH_FIELDS = {
    ("project", "dir"),
    ("drill", "runbooks_dir"),
    ("drill", "scenarios_dir"),
    ("drill", "state_dir"),
    *(("readiness", f) for f in ("security_register", "repo", "api_reference", "migrations")),
}


@dataclass(frozen=True)
class Layers:
    """What each layer says; a later layer wins: file < environment < flags."""

    path: Path | None  # the drillctl.toml found, if any
    text: str  # its text: locates a schema error at FILE:LINE:COL
    file: dict[str, Any]
    env: dict[str, Any]  # relative paths already made absolute from the current directory
    flags: dict[str, Any]  # likewise
    cwd: Path

    def merged(self) -> dict[str, Any]:
        return {**merge(merge(self.file, self.env), self.flags), "config_path": self.path}

    @property
    def base(self) -> Path:
        """What a relative path written in drillctl.toml is relative to: the file's folder."""
        return self.path.parent if self.path else self.cwd


@dataclass(frozen=True)
class ScenarioInputs:
    """What the scenario verbs read from the configuration."""

    scenarios_dir: Path | None
    vars: dict[str, str]


def read_layers(
    *,
    config_path: Path | None,
    env: Mapping[str, str],
    cwd: Path,
    overrides: Mapping[str, Any] | None = None,
) -> Layers:
    """The layers; a missing ``--config`` file or TOML that does not parse is a ConfigError."""
    flags = from_cwd(overrides or {}, cwd)
    path = find_config(config_path, env, cwd, (flags.get("project") or {}).get("dir"))
    data, text = read_toml(path) if path else ({}, "")
    return Layers(path, text, data, from_cwd(env_layer(env), cwd), flags, cwd)


def scenario_inputs(layers: Layers) -> ScenarioInputs | None:
    """``[drill] scenarios_dir`` and ``[vars]`` from the layers, or None when either is anything
    but what the settings models would take as it is (the caller then validates)."""
    merged = layers.merged()
    drill, variables = merged.get("drill", {}), merged.get("vars", {})
    if not isinstance(drill, Mapping) or not isinstance(variables, Mapping):
        return None
    folder = drill.get("scenarios_dir")
    if folder is not None and (not isinstance(folder, str | Path) or str(folder) == ""):
        return None
    if not all(isinstance(k, str) and _plain_scalar(v) for k, v in variables.items()):
        return None
    scenarios_dir = None if folder is None else resolve(Path(folder), layers.base)
    return ScenarioInputs(scenarios_dir, {k: scalar_text(v) for k, v in variables.items()})


def _plain_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def scalar_text(value: Any) -> Any:
    """Numbers are accepted as in a scenario's own vars: ``[vars] clients = 200``."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else base / path


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


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
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


def env_layer(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """``DRILLCTL_<SECTION>_<FIELD>``, ``DRILLCTL_VAR_<NAME>`` and the two aliases."""
    layer: dict[str, dict[str, Any]] = {}
    for key, value in env.items():
        if key in ALIASES:
            section, field = ALIASES[key]
        elif key.startswith("DRILLCTL_VAR_"):
            section, field = "vars", key.removeprefix("DRILLCTL_VAR_").lower()
        else:
            parts = key.removeprefix("DRILLCTL_").lower().split("_", 1)
            if not key.startswith("DRILLCTL_") or len(parts) != 2 or parts[0] not in _SECTIONS:
                continue
            section, field = parts
        layer.setdefault(section, {})[field] = _env_value(section, field, value)
    return layer


def _env_value(section: str, field: str, value: str) -> Any:
    return [v for v in value.split(",") if v] if (section, field) in _LIST_FIELDS else value


def merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping):  # also when base lacks the section: drop unset flags
            below = merged.get(key)
            merged[key] = merge(below if isinstance(below, dict) else {}, value)
        elif value is not None:
            merged[key] = value
    return merged


def from_cwd(layer: Mapping[str, Any], cwd: Path) -> dict[str, Any]:
    """Relative paths from the environment and from flags mean the current directory; only those
    written in drillctl.toml are relative to the file (``Layers.base``)."""
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in layer.items()}
    for section, field in PATH_FIELDS:
        value = out.get(section, {}).get(field)
        if value is not None and not Path(value).is_absolute():
            out[section][field] = cwd / value
    return out
