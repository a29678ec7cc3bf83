"""Built-in fault types are imported when a scenario names them (``registry.BUILTIN_TYPES``,
``model.model_for``): the table against the modules, and a document's own Scenario class, over
its faults' types only, finding exactly what the class of every type finds."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from test_registry import EXAMPLES

import drillctl.faults
from drillctl.faults.registry import BUILTIN_TYPES, builtin_class
from drillctl.scenario.model import ScenarioBase, model_for, scenario_model
from drillctl.scenario.problems import problems_from
from drillctl.scenario.source import parse_document

SCENARIO: dict[str, Any] = {
    "name": "demo",
    "title": "Demo",
    "severity": "P2",
    "description": "a demo",
    "objective": "practise",
    "signals": [{"name": "up", "source": "prometheus", "query": "up", "symptom": {"below": 1}}],
    "root_cause": {"summary": "down", "keywords": ["down"]},
}


def fault_classes() -> dict[str, tuple[str, str]]:
    """Every class under drillctl.faults that declares a ``type_name``: type -> (module, class)."""
    found = {}
    for info in pkgutil.iter_modules(drillctl.faults.__path__):
        module = importlib.import_module(f"drillctl.faults.{info.name}")
        for cls in vars(module).values():
            own = vars(cls).get("type_name") if isinstance(cls, type) else None
            if isinstance(own, str) and cls.__module__ == module.__name__:
                found[own] = (info.name, cls.__name__)
    return found


def test_the_table_names_every_fault_class_and_its_module() -> None:
    assert fault_classes() == BUILTIN_TYPES


def test_a_type_is_looked_up_in_its_own_module() -> None:
    for name, (module, _) in BUILTIN_TYPES.items():
        assert builtin_class(name).__module__ == f"drillctl.faults.{module}"


def document(*faults: dict[str, Any]) -> dict[str, Any]:
    return {**SCENARIO, "faults": list(faults)}


def problems_with(model: type[ScenarioBase], data: dict[str, Any]) -> list[str]:
    doc, _ = parse_document(yaml.safe_dump(data, sort_keys=False).encode(), "demo.yaml")
    try:
        model.model_validate(doc.data)
    except ValidationError as exc:
        return [str(p) for p in problems_from(exc, doc, model)]
    return []


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_documents_own_class_finds_what_the_class_of_every_type_finds(name: str) -> None:
    data = document({"type": name, **EXAMPLES[name], "bogus": 1, "name": ["not", "text"]})
    own = model_for(data)
    assert own is not scenario_model()
    found = problems_with(own, data)
    assert found == problems_with(scenario_model(), data)
    assert any("unknown key 'bogus'" in line for line in found), found


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_documents_own_class_loads_the_same_values(name: str) -> None:
    data = document({"type": name, **EXAMPLES[name]})
    own = model_for(data).model_validate(data)
    every = scenario_model().model_validate(data)
    assert own.model_dump() == every.model_dump()


@pytest.mark.parametrize(
    "faults",
    [
        [{"type": "flood", "service": "api"}],  # unknown: the error lists the known types
        [{"service": "api"}],  # no type
        [{"type": "stop-service", "service": "api"}, "not a mapping"],
        [{"type": ["stop-service"]}],
        [],
    ],
    ids=["unknown", "untyped", "not-a-mapping", "type-not-text", "none"],
)
def test_anything_but_builtin_types_is_validated_by_the_class_of_every_type(
    faults: list[Any],
) -> None:
    assert model_for(document(*faults)) is scenario_model()


def test_an_unknown_type_still_lists_the_known_ones() -> None:
    data = document({"type": "flood", "service": "api"})
    (line,) = problems_with(model_for(data), data)
    assert "flood" in line and "stop-service" in line and "disk-fill" in line


def test_files_loaded_together_share_the_class_of_their_types() -> None:
    among = frozenset({"stop-service", "exec"})
    data = document({"type": "exec", **EXAMPLES["exec"]})
    assert model_for(data, among) is scenario_model(among)
    assert model_for(data, frozenset({"stop-service"})) is scenario_model(frozenset({"exec"}))
    assert model_for(data, frozenset({"exec", "flood"})) is scenario_model(frozenset({"exec"}))
