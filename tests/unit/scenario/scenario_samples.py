"""A small valid scenario whose line and column numbers the tests rely on, and a loader shortcut."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from drillctl.core.errors import Problem, ScenarioError
from drillctl.scenario.loader import load_bytes
from drillctl.scenario.model import ScenarioBase
from drillctl.scenario.overrides import parse_assignments

FILE = "demo.yaml"

# line numbers matter: tests point at them
VALID = """\
name: demo
title: Demo drill
severity: P2
description: a demo
objective: practise
vars:
  svc: ebit-api
faults:
  - type: stop-service
    service: ${var:svc}
    duration: 60s
signals:
  - name: queue_waiting
    source: prometheus
    query: sum(bullmq_queue_jobs{state="waiting"})
    symptom:
      delta: 20
      for: 5s
root_cause:
  summary: consumer down
  keywords: [consumer]
"""


def load(
    text: str = VALID, *, variables: Mapping[str, str] | None = None, sets: Sequence[str] = ()
) -> ScenarioBase:
    return load_bytes(text.encode(), FILE, variables=variables, sets=parse_assignments(sets))[0]


def problems(text: str, **kwargs: object) -> list[Problem]:
    """The problems of an invalid text (fails the test if it loads)."""
    try:
        load(text, **kwargs)  # type: ignore[arg-type]
    except ScenarioError as exc:
        return exc.problems
    raise AssertionError("expected a ScenarioError")


def only(text: str, **kwargs: object) -> Problem:
    found = problems(text, **kwargs)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]
