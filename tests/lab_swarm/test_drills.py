"""The seed drill that applies to a swarm stack as it does to compose, and replica-loss, which only
a stack with replicas can show; both through `drillctl run` with DRILLCTL_PROJECT_DRIVER=swarm.

The CI cut (ci-cut.args) holds the consumer down 30 s, not compose's 20 s: scaling to 0 stops the
tasks gracefully, so the queue starts growing a few seconds later than after `compose stop`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from run_support import run_drill

pytestmark = [pytest.mark.lab]

CUT = (Path(__file__).with_name("ci-cut.args")).read_text(encoding="utf-8").split()


def shown(run: Any) -> str:
    return f"exit {run.code}\n{run.stdout[-3000:]}\n{run.stderr[-2000:]}"


def test_bullmq_backpressure_passes_on_swarm(lab: Any, tmp_path: Path) -> None:
    run = run_drill(lab, tmp_path, "bullmq-backpressure", *CUT)
    assert run.code == 0, shown(run)
    actions = [(e["service"], e["action"]) for e in run.of("container")]
    assert ("ebit-api", "service update") in actions, actions  # the scale to 0 and back
    assert run.of("fault.injected")[0]["result"]["running"] == 0


def test_replica_loss_passes_and_swarm_replaces_the_task(lab: Any, tmp_path: Path) -> None:
    run = run_drill(lab, tmp_path, "replica-loss", "--set", "baseline=10s")
    assert run.code == 0, shown(run)
    killed = run.of("fault.injected")[0]["result"]
    assert killed["signal"] == "SIGKILL" and killed["containers"] == 2 and killed["running"] == 1
    reverted = run.of("fault.reverted")[0]
    assert reverted["result"]["running"] == 2, reverted  # replaced by swarm, not started by us
    assert [e for e in run.of("container") if e["action"] == "start"], "a replacement task"
