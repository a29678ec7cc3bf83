"""Two faults, two holds, for real (issue #15): `drillctl run` on the lab with a 4 s and a 10 s
fault reverts each 4 s and 10 s after it took effect, as the run's own journal shows.

Short on purpose (a 5 s baseline, a 15 s recovery cap): it stops two exporters, which no other
lab test watches, so it needs no settling before or after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from run_support import recover, run_drill, shown

from drillctl.core.events import FaultInjected, FaultRevertStarted, of_type
from drillctl.core.journal import read_events

pytestmark = [pytest.mark.lab]

HOLDS = {"short": 4.0, "long": 10.0}
SCENARIO = """
name: two-holds
title: "Two exporters stopped, one for 4 s, one for 10 s"
severity: P4
description: Two exporters are stopped for different times; each comes back at its own time.
objective: See each fault reverted at the end of its own hold.
baseline: 5s
faults:
  - {type: stop-service, name: short, service: redis-exporter, duration: 4s}
  - {type: stop-service, name: long, service: ebit-exporter, duration: 10s}
signals:
  - name: exporters_up
    source: prometheus
    query: min(up{job=~"redis-exporter|ebit-exporter"})
    symptom: {below: 1, for: 1s}
root_cause:
  summary: the exporters are stopped
  keywords: [exporter, stopped]
recovery: {timeout: 15s}
"""


@pytest.fixture
def state(lab: Any, tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state"
    recover(lab, tmp_path / "state")


@pytest.mark.timeout(180)
def test_a_4s_and_a_10s_fault_are_reverted_at_their_own_time(
    lab: Any, state: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "two-holds.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    run = run_drill(lab, state, str(scenario), timeout=150)
    assert run.run_dir is not None, shown(run)
    events = read_events(run.run_dir / "journal.jsonl")
    effective = {
        e.id: datetime.fromisoformat(e.effective_at) for e in of_type(events, FaultInjected)
    }
    reverts = [(e.id, e.by, e.ts) for e in of_type(events, FaultRevertStarted)]
    assert [(fault, by) for fault, by, _ts in reverts] == [
        ("short", "engine"),
        ("long", "engine"),
    ], shown(run)
    for fault, _by, ts in reverts:
        held = (ts - effective[fault]).total_seconds()
        print(
            f"{fault}: effective {effective[fault]:%H:%M:%S.%f}, revert {ts:%H:%M:%S.%f}, "
            f"held {held:.2f} s (declared {HOLDS[fault]:g} s)"
        )
        assert HOLDS[fault] <= held < HOLDS[fault] + 2.5, (fault, held)  # a poll late at most
    assert run.of("run.ended")[-1]["result"] in ("passed", "failed"), shown(run)
