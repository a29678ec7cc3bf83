"""--set with a field path: applied before validation, so it is checked like the file itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from scenario_samples import VALID, load, only, problems

from drillctl.scenario.loader import faults_of
from drillctl.scenario.overrides import Assignment, parse_assignments, parse_path, parse_value


def test_parse_assignments_splits_on_the_first_equals() -> None:
    assert parse_assignments(["query=a=b", "x="]) == [
        Assignment("query", "a=b"),
        Assignment("x", ""),
    ]


def test_parse_path() -> None:
    assert parse_path("faults[0].duration") == ("faults", 0, "duration")
    assert parse_path("expect.alerts[1].within") == ("expect", "alerts", 1, "within")
    assert parse_path("baseline") == ("baseline",)


def test_parse_value_keeps_scalars_as_typed_text() -> None:
    assert parse_value("60") == "60"  # so a duration field refuses it with its own reason
    assert parse_value("true") == "true"
    assert parse_value("[redis-cli, -a, cache, PING]") == ["redis-cli", "-a", "cache", "PING"]
    assert parse_value("{above: 1}") == {"above": 1}
    assert parse_value("null") is None
    assert parse_value("a: b: c") == "a: b: c"  # not YAML: the text itself


def test_field_paths_change_the_scenario() -> None:
    scenario = load(sets=["faults[0].duration=20s", "baseline=10s", "signals[0].symptom.delta=5"])
    assert faults_of(scenario)[0].duration == timedelta(seconds=20)  # type: ignore[attr-defined]
    assert scenario.baseline == timedelta(seconds=10)
    assert scenario.signals[0].symptom.delta == 5


def test_a_field_path_creates_missing_mappings() -> None:
    scenario = load(sets=["expect.symptom_within=30s", "guardrails.max_fault_duration=2m"])
    assert scenario.expect.symptom_within == timedelta(seconds=30)
    assert scenario.guardrails.max_fault_duration == timedelta(minutes=2)


def test_a_list_value() -> None:
    scenario = load(sets=["root_cause.keywords=[queue, consumer]"])
    assert scenario.root_cause.keywords == ["queue", "consumer"]


def test_a_set_value_may_use_variables() -> None:
    assert load(sets=["title=drill on ${var:svc}"]).title == "drill on ebit-api"


def test_an_invalid_value_is_located_at_the_file_value_and_names_the_set() -> None:
    problem = only(VALID, sets=["faults[0].duration=60"])
    assert str(problem) == (
        "demo.yaml:11:15: faults[0].duration: '60' is not a duration: use a number and a unit"
        " (ms, s, m, h) such as '60s' (from --set faults[0].duration=60)"
    )


def test_an_invalid_value_for_a_field_not_in_the_file_points_at_its_parent() -> None:
    problem = only(VALID, sets=["expect.symptom_within=1y"])
    assert (problem.line, problem.col, problem.path) == (1, 1, "expect.symptom_within")
    assert problem.message == (
        "'1y' is not a duration: use a number and a unit (ms, s, m, h) such as '60s'"
        " (from --set expect.symptom_within=1y)"
    )


def test_a_misspelt_field_in_a_path_gets_did_you_mean() -> None:
    problem = only(VALID, sets=["faults[0].durration=20s"])
    assert (problem.line, problem.col, problem.path) == (9, 5, "faults[0].durration")
    assert problem.message == (
        "unknown key 'durration'; did you mean 'duration'? (from --set faults[0].durration=20s)"
    )


@pytest.mark.parametrize(
    ("item", "line", "message"),
    [
        (
            "faults[3].duration=20s",
            9,
            "--set faults[3].duration=20s: faults has 1 item(s); index 3 is out of range",
        ),
        ("title[0]=x", 2, "--set title[0]=x: title is not a list"),
        ("name.first=x", 1, "--set name.first=x: name is a single value, not a mapping"),
        ("evidence[0].name=x", 1, "--set evidence[0].name=x: evidence does not exist in the file"),
    ],
)
def test_a_path_that_does_not_fit_the_file_is_a_clear_error(
    item: str, line: int, message: str
) -> None:
    found = problems(VALID, sets=[item])
    assert found[0].message == message
    assert found[0].line == line
    assert found[0].path == item.split("=")[0]


def test_replacing_a_list_forgets_the_old_marks_below_it() -> None:
    found = problems(VALID, sets=["root_cause.keywords=[1, [2]]"])
    # the new items are not in the file: point at the replaced value, not at the old items
    assert [(p.line, p.col, p.path) for p in found] == [
        (21, 13, "root_cause.keywords[0]"),
        (21, 13, "root_cause.keywords[1]"),
    ]
    assert all(p.message.endswith("(from --set root_cause.keywords=[1, [2]])") for p in found)
