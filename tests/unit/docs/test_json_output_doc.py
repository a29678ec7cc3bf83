"""docs/json-output.md tells the truth: each envelope's fields are the ones its table lists, and
the nested records name every field of the models behind them."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from drillctl.commands.doctor import DoctorReport
from drillctl.commands.gate import GateReport
from drillctl.commands.history import HistoryFilters, HistoryListing
from drillctl.commands.list import ScenarioList
from drillctl.commands.recover import FaultLeft, RecoverReport, Silences
from drillctl.engine.rollback import RevertFailure
from drillctl.observe.doctor import Check
from drillctl.readiness.gate import Gate
from drillctl.readiness.gate_evidence import GateStatus
from drillctl.report.history import RunRecord

PAGE = Path(__file__).resolve().parents[3] / "docs" / "json-output.md"
ENVELOPES: dict[str, Any] = {
    "drillctl.scenario-list": ScenarioList([], []),
    "drillctl.doctor": DoctorReport(None, []),
    "drillctl.history": HistoryListing(HistoryFilters(), []),
    "drillctl.recover": RecoverReport(Path("state"), [], False, Silences()),
    "drillctl.gate-status": GateReport(
        Path("g.yaml"), Gate(engineer="Dana"), GateStatus("Dana", [], [])
    ),
}


def section(kind: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(f"## `{kind}`")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def documented_fields(kind: str) -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", section(kind), re.MULTILINE))


@pytest.mark.parametrize("kind", ENVELOPES)
def test_each_envelope_has_exactly_the_documented_fields(kind: str) -> None:
    found = ENVELOPES[kind].as_json()
    assert (found["kind"], found["schema_version"]) == (kind, 1)
    assert set(found) - {"kind", "schema_version"} == documented_fields(kind)
    assert f"| `{kind}` | 1 |" in PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("drillctl.history", [*RunRecord.model_fields, *RunRecord.model_computed_fields]),
        ("drillctl.history", [f.name for f in fields(HistoryFilters)]),
        ("drillctl.doctor", [f.name for f in fields(Check)]),
        ("drillctl.recover", [f.name for f in fields(FaultLeft)]),
        ("drillctl.recover", [f.name for f in fields(RevertFailure)]),
        ("drillctl.recover", [f.name for f in fields(Silences)]),
    ],
)
def test_nested_records_name_every_field(kind: str, names: list[str]) -> None:
    text = section(kind)
    assert [n for n in names if f"`{n}`" not in text] == []
