"""The loader: valid files become models; each mistake is one located, readable problem."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from scenario_samples import VALID, load, only, problems

from drillctl.core.errors import ExitCode, ScenarioError
from drillctl.scenario.loader import faults_of, load_path


def test_a_valid_file_gives_typed_values() -> None:
    scenario = load()
    assert scenario.name == "demo" and scenario.severity == "P2"
    (fault,) = faults_of(scenario)
    assert fault.type == "stop-service"  # type: ignore[attr-defined]
    assert fault.service == "ebit-api"  # type: ignore[attr-defined]
    assert fault.duration == timedelta(seconds=60)  # type: ignore[attr-defined]
    assert scenario.baseline == timedelta(seconds=30)  # the default
    assert scenario.signals[0].symptom.for_ == timedelta(seconds=5)
    assert scenario.signals[0].symptom.delta == 20
    assert scenario.vars == {"svc": "ebit-api"}


def test_problem_format_and_exit_code() -> None:
    text = VALID.replace("    duration: 60s", "    duration: 60")
    with pytest.raises(ScenarioError) as caught:
        load(text)
    assert caught.value.exit_code == ExitCode.INVALID == 2
    assert str(caught.value) == (
        "demo.yaml:11:15: faults[0].duration: a duration is a string with a unit"
        " such as '500ms', '60s' or '5m', not 60"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("60", "a duration is a string with a unit such as '500ms', '60s' or '5m', not 60"),
        ("-5s", "duration '-5s' is negative"),
        ("1y", "'1y' is not a duration: use a number and a unit (ms, s, m, h) such as '60s'"),
        (
            "5 minutes",
            "'5 minutes' is not a duration: use a number and a unit (ms, s, m, h) such as '60s'",
        ),
    ],
)
def test_bad_durations_point_at_the_value(value: str, message: str) -> None:
    problem = only(VALID.replace("duration: 60s", f"duration: {value}"))
    assert (problem.line, problem.col, problem.path, problem.message) == (
        11,
        15,
        "faults[0].duration",
        message,
    )


def test_bad_duration_in_a_nested_rule() -> None:
    problem = only(VALID.replace("for: 5s", "for: 1y"))
    assert (problem.line, problem.col, problem.path) == (18, 12, "signals[0].symptom.for")


def test_missing_required_fields_point_at_the_mapping_that_lacks_them() -> None:
    text = VALID.replace("title: Demo drill\n", "").replace("    source: prometheus\n", "")
    found = [(p.line, p.col, p.path, p.message) for p in problems(text)]
    assert found == [
        (1, 1, "title", "missing required field"),
        (12, 5, "signals[0].source", "missing required field"),
    ]


def test_missing_fault_field() -> None:
    problem = only(VALID.replace("    duration: 60s\n", ""))
    assert (problem.line, problem.col, problem.path, problem.message) == (
        9,
        5,
        "faults[0].duration",
        "missing required field",
    )


def test_a_typo_points_at_the_key_with_did_you_mean() -> None:
    found = problems(VALID.replace("    query:", "    qeury:"))
    assert [str(p) for p in found] == [
        "demo.yaml:13:5: signals[0].query: missing required field",
        "demo.yaml:15:5: signals[0].qeury: unknown key 'qeury'; did you mean 'query'?",
    ]


def test_typo_in_a_fault_field_uses_that_fault_type_fields() -> None:
    found = problems(VALID.replace("    duration: 60s", "    durration: 60s"))
    assert (
        "demo.yaml:11:5: faults[0].durration: unknown key 'durration'; did you mean 'duration'?"
        in [str(p) for p in found]
    )


def test_top_level_typo_and_alias_field() -> None:
    problem = only(VALID + "runbok: runbooks/demo.md\n")
    assert str(problem) == "demo.yaml:22:1: runbok: unknown key 'runbok'; did you mean 'runbook'?"


def test_unknown_key_without_close_match_lists_the_allowed_keys() -> None:
    problem = only(VALID.replace("      delta: 20", "      delta: 20\n      zzz: 1"))
    assert problem.line == 18 and problem.col == 7
    assert problem.message.startswith(
        "unknown key 'zzz'; expected one of: above, below, factor, delta,"
    )
    assert "for" in problem.message  # the alias, as written in files, not for_


def test_wrong_types() -> None:
    text = VALID.replace("severity: P2", "severity: urgent").replace("delta: 20", "delta: lots")
    found = [str(p) for p in problems(text)]
    assert found == [
        "demo.yaml:3:11: severity: Input should be 'P0', 'P1', 'P2', 'P3' or 'P4'",
        "demo.yaml:17:14: signals[0].symptom.delta: Input should be a valid number,"
        " unable to parse string as a number",
    ]


def test_a_list_where_a_mapping_is_expected() -> None:
    problem = only(
        VALID.replace(
            "root_cause:\n  summary: consumer down\n  keywords: [consumer]\n", "root_cause: [x]\n"
        )
    )
    assert (problem.line, problem.col, problem.path) == (19, 13, "root_cause")
    assert "valid dictionary" in problem.message


def test_unknown_fault_type_lists_the_known_ones() -> None:
    problem = only(VALID.replace("type: stop-service", "type: stop-servce"))
    assert (problem.line, problem.col, problem.path) == (9, 11, "faults[0].type")
    assert problem.message.startswith(
        "unknown fault type 'stop-servce' (did you mean 'stop-service'?); known types: "
    )
    for known in (
        "stop-service",
        "exec",
        "env-override",
        "ws-storm",
        "kill-service",
        "pause-service",
    ):
        assert known in problem.message


def test_fault_without_type() -> None:
    problem = only(VALID.replace("  - type: stop-service\n    service:", "  - service:"))
    assert (problem.line, problem.path) == (9, "faults[0]")
    assert problem.message.startswith("needs a 'type' (one of: ")


def test_fault_model_validator_is_located_at_the_fault() -> None:
    text = VALID.replace(
        "  - type: stop-service\n    service: ${var:svc}\n    duration: 60s\n",
        "  - type: exec\n    service: ebit-redis-cache\n    command: redis-cli FLUSHDB\n",
    )
    problem = only(text)
    assert (problem.line, problem.col, problem.path) == (9, 5, "faults[0]")
    assert problem.message.startswith("'command' is a shell string: set shell: true")


def test_fault_longer_than_the_guardrail_points_at_the_guardrail() -> None:
    problem = only(VALID + "guardrails:\n  max_fault_duration: 30s\n")
    assert (problem.line, problem.col, problem.path) == (23, 23, "guardrails.max_fault_duration")
    assert "over guardrails.max_fault_duration" in problem.message


def test_abort_condition_on_an_unknown_signal_points_at_it() -> None:
    problem = only(VALID + "guardrails:\n  abort_if:\n    - signal: nope\n      above: 1\n")
    assert str(problem) == (
        "demo.yaml:24:15: guardrails.abort_if[0].signal:"
        " guardrails.abort_if names unknown signal 'nope'"
    )


def test_duplicate_signal_names_point_at_the_second_one() -> None:
    second = (
        "  - name: queue_waiting\n    source: prometheus\n    query: x\n    symptom: {above: 1}\n"
    )
    problem = only(VALID.replace("root_cause:", second + "root_cause:"))
    assert (
        str(problem)
        == "demo.yaml:19:11: signals[1].name: signal names must be unique: queue_waiting"
    )


def test_problems_are_sorted_by_position() -> None:
    text = VALID.replace("for: 5s", "for: 5").replace("severity: P2", "severity: P9")
    assert [p.line for p in problems(text)] == [3, 18]


def test_load_path_reads_files(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(VALID, encoding="utf-8")
    scenario, doc = load_path(path)
    assert scenario.name == "demo" and doc.file == str(path)


def test_unreadable_paths_are_located_problems(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    for name, reason in (
        ("folder.yaml", "Is a directory"),
        ("dangling.yaml", "No such file or directory"),
    ):
        with pytest.raises(ScenarioError) as caught:
            load_path(tmp_path / name)
        assert str(caught.value) == f"{tmp_path / name}:1:1: cannot read: {reason}"


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"name: x\n" + b"#" * (4 * 1024 * 1024))
    with pytest.raises(
        ScenarioError, match=r"huge\.yaml:1:1: file is 4194312 bytes, over the 1048576-byte limit"
    ):
        load_path(path)
