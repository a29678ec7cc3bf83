"""An interactive drill through a pseudo-terminal (pexpect, 80x24): the responder acknowledges and
states a hypothesis with keys (service and kind of change picked with Tab, then the sentence);
both are journalled with their time, and the report shows the time to hypothesis and whether it
matched the expected root cause."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
from run_support import REPO, Run, drill_env, recover

pytestmark = [pytest.mark.lab]


@pytest.fixture
def state(lab: Any, tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    recover(lab, tmp_path)


@pytest.mark.timeout(420)
def test_keys_are_journalled_and_the_report_times_the_hypothesis(lab: Any, state: Path) -> None:
    argv = [
        "-m",
        "drillctl",
        "run",
        "bullmq-backpressure",
        "--interactive",
        "--yes",
        "--operator",
        "trainee",
        "--set",
        "baseline=10s",
        "--set",
        "faults[0].duration=20s",
        "--max-duration",
        "4m",
    ]
    child = pexpect.spawn(
        sys.executable,
        argv,
        env=drill_env(lab, state),
        cwd=str(REPO),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=240,
    )
    try:
        child.expect("since injection")  # the live panel is up
        child.expect("SYMPTOM", timeout=120)  # queue_waiting broke its rule
        child.send("a")
        child.send("h")
        child.expect("service: ")  # the prompt line: first the service, Tab completes it
        child.send("ebit-a\t")
        child.expect("service: ebit-api")
        child.send("\rstop\t")
        child.expect("kind: stopped")
        child.send("\r")
        child.expect("hypothesis: ")  # then the sentence
        child.send("the consumer is gone, the queue is backing up\r")
        child.send("d")
        child.send("backlog, not loss: let it drain\r")
        child.expect(pexpect.EOF, timeout=300)
    finally:
        child.close(force=True)
    runs = sorted((state / "runs").glob("*/journal.jsonl"))
    run = Run(child.exitstatus or 0, "", "", runs[-1].parent, 0)
    types = [e["type"] for e in run.events()]
    assert (
        "responder.ack" in types
        and "responder.hypothesis" in types
        and "responder.decision" in types
    )
    stated = run.of("responder.hypothesis")[0]
    assert stated["text"] == "the consumer is gone, the queue is backing up"
    assert (stated["service"], stated["kind"]) == ("ebit-api", "stopped")
    verdict = run.of("hypothesis.verdict")[-1]
    # the picked fields (not the sentence) are the service and kind the root cause expects
    assert verdict["matched"] is True, verdict
    assert verdict["compared"]["service"] == {
        "expected": "ebit-api",
        "stated": "ebit-api",
        "matched": True,
    }
    assert verdict["compared"]["kind"]["stated"] == "stopped"
    report = run.report()
    assert report["mode"] == "interactive" and report["operator"] == "trainee"
    assert report["durations"]["hypothesis_s"] is not None
    assert report["durations"]["acknowledge_s"] is not None
    assert report["verdict"]["matched"] is True
    assert child.exitstatus == 0, run.of("run.ended")
    slack = run.slack()
    assert "Time to hypothesis (" in slack and "matches the root cause" in slack
