"""Run-time resolution of ``${env:NAME}``: the only place a secret's value enters a scenario.

The engine calls ``resolve_secrets`` after preflight, right before it needs the values; every
value is registered with the run's ``Redactor`` first, so the journal, the reports and the
terminal show ``***`` instead. ``show`` and ``--dry-run`` never call it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drillctl.core.errors import ConfigError
from drillctl.core.redact import Redactor
from drillctl.scenario.model import ScenarioBase, model_for
from drillctl.scenario.source import Path_, format_path
from drillctl.scenario.variables import strings

ENV_REF = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")


def secret_names(scenario: ScenarioBase) -> dict[str, list[str]]:
    """``{ENV_NAME: [field paths that use it]}`` (for preflight and ``doctor``)."""
    found: dict[str, list[str]] = {}
    for path, text in strings(_data(scenario)):
        for name in dict.fromkeys(ENV_REF.findall(text)):
            found.setdefault(name, []).append(format_path(path))
    return found


def resolve_secrets(
    scenario: ScenarioBase, env: Mapping[str, str], redactor: Redactor
) -> ScenarioBase:
    """A copy of ``scenario`` with each ``${env:NAME}`` replaced by ``env[NAME]``.

    Raises ``ConfigError`` (exit 2, nothing injected) naming every variable that is not set.
    """
    used = secret_names(scenario)
    if not used:
        return scenario
    missing = sorted(name for name in used if name not in env)
    if missing:
        raise ConfigError(
            f"scenario {scenario.name!r} needs environment variable(s) that are not set: "
            + "; ".join(f"{name} (used by {', '.join(used[name])})" for name in missing),
            hint="export them before the run (secrets are never read from the scenario file)",
        )
    redactor.add(*(env[name] for name in used))
    data = _data(scenario)
    for path, text in list(strings(data)):
        _assign(data, path, ENV_REF.sub(lambda m: env[m.group(1)], text))
    return model_for(data).model_validate(data)


def _data(scenario: ScenarioBase) -> Any:
    return scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _assign(data: Any, path: Path_, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value
