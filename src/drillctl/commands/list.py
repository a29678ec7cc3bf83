"""``drillctl list``: the scenarios a team can run, as a result object the CLI renders.

The function takes typed keyword arguments and returns ``ScenarioList``; ``cli/scenario_cmds.py``
prints it as a table or, with ``--format json``, as a versioned envelope (``as_json``) that a
script can rely on: ``{"schema_version": 1, "kind": "drillctl.scenario-list", ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from drillctl.core.envelope import envelope
from drillctl.core.errors import Problem
from drillctl.scenario.catalog import Catalog, Origin, Summary, source_label

KIND = "scenario-list"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ListedScenario:
    name: str
    severity: str
    faults: list[str]  # fault types, in the scenario's order
    origin: Origin  # built-in | custom
    path: str  # the file (for a built-in, inside the installed package)
    overrides_builtin: bool

    @property
    def source(self) -> str:
        return source_label(Path(self.path), self.origin, self.overrides_builtin)


@dataclass(frozen=True)
class ScenarioList:
    scenarios: list[ListedScenario]
    problems: list[Problem]  # files that did not load: the command exits 2 after listing

    def as_json(self) -> dict[str, Any]:
        return envelope(
            KIND,
            SCHEMA_VERSION,
            scenarios=[asdict(s) for s in self.scenarios],
            problems=[asdict(p) for p in self.problems],
        )


def list_scenarios(*, scenarios_dir: Path | None, variables: Mapping[str, str]) -> ScenarioList:
    """The team's files are validated, the built-ins read (``Catalog.summaries``)."""
    found, problems = Catalog(scenarios_dir, variables).summaries()
    return ScenarioList([_entry(item) for item in found], problems)


def _entry(item: Summary) -> ListedScenario:
    return ListedScenario(
        name=item.name,
        severity=item.severity,
        faults=item.faults,
        origin=item.origin,
        path=str(item.path),
        overrides_builtin=item.overrides_builtin,
    )
