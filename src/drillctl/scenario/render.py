"""A scenario back as YAML for ``drillctl show``: variables substituted, ``${env:...}`` left as
written, secret-looking values masked."""

from __future__ import annotations

import re
from typing import Any

import yaml

from drillctl.core.redact import Redactor
from drillctl.scenario.model import ScenarioBase
from drillctl.scenario.secrets import ENV_REF

REFERENCE = re.compile(f"(?:{ENV_REF.pattern})+")

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


def scenario_data(
    scenario: ScenarioBase, *, full: bool = False, redactor: Redactor | None = None
) -> dict[str, Any]:
    """The scenario as plain data in file order; ``full`` adds every default value. Values that
    look secret (``-a PASSWORD`` in an argv, a ``*password*`` key) are masked."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_unset=not full)
    data = redact_keeping_references(data, redactor or Redactor())
    data["faults"] = [{"type": f.pop("type"), **f} for f in data.get("faults", [])]
    ordered = {key: data[key] for key in ORDER if key in data}
    return {**ordered, **{k: v for k, v in data.items() if k not in ordered}}


def redact_keeping_references(data: Any, redactor: Redactor) -> Any:
    """``redactor.redact_obj``, except that a value which is only a ``${env:NAME}`` reference
    stays readable: it names where the secret comes from, not the secret."""
    return _restore(data, redactor.redact_obj(data))


def _restore(original: Any, redacted: Any) -> Any:
    if isinstance(original, str):
        return original if REFERENCE.fullmatch(original) else redacted
    if isinstance(original, dict) and isinstance(redacted, dict):
        return {k: _restore(v, redacted[k]) for k, v in original.items()}
    if isinstance(original, list) and isinstance(redacted, list):
        return [_restore(o, r) for o, r in zip(original, redacted, strict=True)]
    return redacted


def to_yaml(scenario: ScenarioBase, *, full: bool = False, redactor: Redactor | None = None) -> str:
    return yaml.dump(
        scenario_data(scenario, full=full, redactor=redactor),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
