"""Whatever the bytes, the loader returns a scenario or raises ScenarioError, nothing else."""

from __future__ import annotations

import os
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scenario_samples import FILE, VALID

from drillctl.core.errors import ScenarioError
from drillctl.scenario.loader import load_bytes
from drillctl.scenario.model import ScenarioBase
from drillctl.scenario.overrides import Assignment

# more examples when hunting: DRILLCTL_HYPOTHESIS_EXAMPLES=2000 pytest tests/unit/scenario
EXAMPLES = int(os.environ.get("DRILLCTL_HYPOTHESIS_EXAMPLES", "100"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# words the model knows, so generated mappings get past the first check now and then
KEYS = [
    "name",
    "title",
    "severity",
    "description",
    "objective",
    "vars",
    "faults",
    "signals",
    "type",
    "service",
    "duration",
    "argv",
    "query",
    "source",
    "symptom",
    "for",
    "above",
    "delta",
    "factor",
    "root_cause",
    "summary",
    "keywords",
    "expect",
    "alerts",
    "within",
    "guardrails",
    "abort_if",
    "traffic",
    "profile",
    "baseline",
    "url",
    "clients",
    "environment",
    "stop-service",
    "exec",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["60s", "-5s", "1y", "60", "P2", "${var:x}", "${env:Y}", "${var:}", "${env:a b}", ""]
    ),
    st.text(max_size=20),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


def outcome(raw: bytes, sets: tuple[Assignment, ...] = ()) -> ScenarioBase | ScenarioError:
    try:
        return load_bytes(raw, FILE, variables={"x": "1"}, sets=sets)[0]
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError always carries at least one problem"
        for problem in exc.problems:
            assert problem.file == FILE and problem.line >= 1 and problem.col >= 1
        return exc


@SETTINGS
@given(st.binary(max_size=2000))
@example(b"\xff\xfe\x00")
@example(b"a: &x [*x]")
@example(b"? [a]\n: b\n")
@example(b"name: !!binary aGVsbG8=\n")
@example(b"!!set {a, b}")
@example(b"<<: [1]\n")
def test_arbitrary_bytes(raw: bytes) -> None:
    outcome(raw)


@SETTINGS
@given(st.text(max_size=2000))
@example("faults:\n  - type: exec\n    argv: !!omap [a: 1]\n")
@example("%YAML 1.1\n---\nname: x\n")
@example("name: 2001-01-01\n")
def test_arbitrary_text(text: str) -> None:
    outcome(text.encode("utf-8", errors="surrogatepass"))


@SETTINGS
@given(VALUES)
def test_arbitrary_yaml_documents(value: Any) -> None:
    outcome(yaml.safe_dump(value, allow_unicode=True).encode())


@SETTINGS
@given(
    st.sampled_from(VALID.splitlines()),
    st.integers(min_value=0, max_value=len(VALID.splitlines()) - 1),
    VALUES,
)
def test_a_valid_file_with_one_line_replaced(_: str, index: int, value: Any) -> None:
    lines = VALID.splitlines()
    key = lines[index].split(":", 1)[0]
    lines[index] = f"{key}: {yaml.safe_dump(value, default_flow_style=True).strip()}"
    outcome("\n".join(lines).encode())


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "faults[0].duration",
                    "baseline",
                    "svc",
                    "signals[0].symptom",
                    "expect.alerts",
                    "faults[2].x",
                    "title",
                ]
            ),
            st.text(max_size=15),
        ),
        max_size=3,
    )
)
def test_arbitrary_set_values(items: list[tuple[str, str]]) -> None:
    outcome(VALID.encode(), tuple(Assignment(k, v) for k, v in items))


def test_the_valid_sample_is_valid() -> None:
    assert isinstance(outcome(VALID.encode()), ScenarioBase)
