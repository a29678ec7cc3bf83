import re
from typing import Any

from drillctl.scenario.model import json_schema


def _walk(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if "pattern" in node and "default" in node:
            found.append(node)
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


def test_every_default_matches_its_own_pattern() -> None:
    fields = _walk(json_schema())
    assert fields, "expected duration fields with defaults in the schema"
    for field in fields:
        assert re.match(field["pattern"], field["default"]), field


def test_baseline_default_reads_like_a_scenario_file() -> None:
    assert json_schema()["properties"]["baseline"]["default"] == "30s"
