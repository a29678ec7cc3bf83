"""A scenario back as YAML for ``drillctl show``: variables substituted, secrets left as written."""

from __future__ import annotations

from typing import Any

import yaml

from drillctl.scenario.model import ScenarioBase

# the order a reader wants: what it is, what it does, what is watched, what is expected
ORDER = [
    "name",
    "title",
    "severity",
    "difficulty",
    "tags",
    "description",
    "objective",
    "vars",
    "traffic",
    "baseline",
    "faults",
    "signals",
    "evidence",
    "recovery",
    "expect",
    "guardrails",
    "root_cause",
    "runbook",
    "dashboards",
    "decisions",
]


class _Dumper(yaml.SafeDumper):
    """Block style; multi-line strings as ``|`` blocks (a subclass: no global registration)."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def scenario_data(scenario: ScenarioBase, *, full: bool = False) -> dict[str, Any]:
    """The scenario as plain data in file order; ``full`` adds every default value."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_unset=not full)
    ordered = {key: data[key] for key in ORDER if key in data}
    return {**ordered, **{k: v for k, v in data.items() if k not in ordered}}


def to_yaml(scenario: ScenarioBase, *, full: bool = False) -> str:
    return yaml.dump(
        scenario_data(scenario, full=full),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
