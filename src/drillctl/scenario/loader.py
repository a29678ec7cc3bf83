"""Load one scenario file: bytes -> YAML -> ``--set`` -> variables -> validated model.

Every problem found on the way is collected and raised together as one ``ScenarioError`` whose
lines read ``FILE:LINE:COL: field.path: message`` (exit code 2). Nothing else escapes: the loader
returns a scenario or raises ``ScenarioError``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from drillctl.core import inputs
from drillctl.core.errors import Problem, ScenarioError
from drillctl.faults.base import FaultParams
from drillctl.scenario import overrides, variables
from drillctl.scenario.model import ScenarioBase, model_for
from drillctl.scenario.overrides import Assignment
from drillctl.scenario.problems import problems_from
from drillctl.scenario.source import MAX_BYTES, Document, format_path, parse_document


def load_path(
    path: Path,
    *,
    variables: Mapping[str, str] | None = None,
    sets: Sequence[Assignment] = (),
    among: frozenset[str] = frozenset(),
) -> tuple[ScenarioBase, Document]:
    """Load a scenario file; ``variables`` is the config/env layer, ``sets`` the ``--set`` flags,
    ``among`` the fault types of the files loaded with it (``model.model_for``)."""
    raw = read_limited(path)
    return load_bytes(raw, str(path), variables=variables, sets=sets, among=among)


def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing unreadable and oversized files with a located problem."""
    return inputs.read_bytes(path, limit=MAX_BYTES)


def load_bytes(
    raw: bytes,
    file: str,
    *,
    variables: Mapping[str, str] | None = None,
    sets: Sequence[Assignment] = (),
    among: frozenset[str] = frozenset(),
) -> tuple[ScenarioBase, Document]:
    doc, problems = parse_document(raw, file)
    if problems:
        raise ScenarioError(problems)
    problems = _prepare(doc, variables or {}, sets)
    model = model_for(doc.data, among)  # after --set and variables: they may name a type
    try:
        scenario = model.model_validate(doc.data)
    except ValidationError as exc:
        problems += problems_from(exc, doc, model)
    if problems:
        raise ScenarioError(_note_sets(_sorted(problems), sets))
    return scenario, doc


def _prepare(doc: Document, layer: Mapping[str, str], sets: Sequence[Assignment]) -> list[Problem]:
    """Apply ``--set`` field paths, then substitute variables; returns the problems found."""
    defaults, problems = variables.declared_defaults(doc)
    names = set(defaults) | variables.referenced(doc.data)
    split = overrides.split(sets, names, _field_names())
    problems += overrides.apply(doc, split.fields)
    names |= variables.referenced(doc.data)  # a --set value may use a variable too
    values = variables.effective_values(defaults, names, [layer, split.variables])
    problems += variables.substitute(doc, values)
    if values or variables.VARS_KEY in doc.data:
        doc.data[variables.VARS_KEY] = values  # what was used, so `show` explains the result
    return problems


def _field_names() -> list[str]:
    """The scenario's top-level keys (``faults`` is added by ``scenario_model``)."""
    return [*(info.alias or name for name, info in ScenarioBase.model_fields.items()), "faults"]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col))


def _note_sets(problems: list[Problem], sets: Sequence[Assignment]) -> list[Problem]:
    """Say which ``--set`` a problem comes from, since its value is not in the file."""
    out = []
    for problem in problems:
        item = next((s for s in sets if _under(problem.path, s.key)), None)
        if item and str(item) not in problem.message:
            problem = dataclasses.replace(problem, message=f"{problem.message} (from {item})")
        out.append(problem)
    return out


def _under(path: str, key: str) -> bool:
    key = format_path(overrides.parse_path(key))
    return path == key or path.startswith((f"{key}.", f"{key}["))


def faults_of(scenario: ScenarioBase) -> list[FaultParams]:
    """The scenario's faults (the field is added by ``scenario_model()``, so typed here)."""
    faults: list[FaultParams] = getattr(scenario, "faults", [])
    return faults
