"""Find and load a scenario for ``runbook new --from-scenario``.

Stop-gap until the foundation engineer's loader lands in ``drillctl.scenario``: this validates the
raw YAML with ``scenario_model()`` and does not resolve ``${var:...}`` (a runbook shows the
queries as written in the scenario, which is what a reader wants anyway). Swap ``load_scenario``
for the real loader when it exists; nothing else here depends on how a file is read.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from drillctl.errors import DrillError
from drillctl.scenario.model import ScenarioBase, scenario_model

SUFFIXES = (".yaml", ".yml")


def builtin_scenarios_dir() -> Path:
    return Path(str(resources.files("drillctl"))) / "builtin" / "scenarios"


def find_scenario(ref: str, search_dirs: list[Path]) -> Path:
    """A path as given, or ``NAME.yaml`` in the first search dir that has it."""
    given = Path(ref)
    if given.suffix in SUFFIXES and given.is_file():
        return given
    for folder in search_dirs:
        for suffix in SUFFIXES:
            if (folder / f"{ref}{suffix}").is_file():
                return folder / f"{ref}{suffix}"
    where = ", ".join(str(d) for d in search_dirs) or "nowhere"
    raise DrillError(f"scenario {ref!r} not found (looked in {where})")


def load_scenario(path: Path) -> ScenarioBase:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DrillError(f"{path}: cannot read scenario: {exc}") from exc
    try:
        return scenario_model().model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise DrillError("\n".join(lines)) from exc
