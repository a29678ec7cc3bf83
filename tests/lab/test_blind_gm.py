"""A blind drill on the lab through two pseudo-terminals: the responder's panel and the game master.

The responder draws ``--blind all --difficulty easy`` (only bullmq-backpressure is easy), so
they never type the name; the game master sees it, sends a hint (shown in the responder's panel),
watches the responder's hypothesis arrive and records the verdict and a debrief. Before the
reveal the responder's screen never shows the scenario's name or its fault; afterwards the report
shows what was hidden, when it was revealed, the hint and the times to hypothesis.
"""

from __future__ import annotations

import io
import json
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
from run_support import REPO, drill_env, recover

pytestmark = [pytest.mark.lab]
HIDDEN = ("bullmq-backpressure", "consumer-down", "stop-service", "compose stop", "backpressure")
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])")


@pytest.fixture
def state(lab: Any, tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    recover(lab, tmp_path)


def _spawn(argv: list[str], env: dict[str, str], log: io.StringIO) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "drillctl", *argv],
        env=env,
        cwd=str(REPO),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=240,
    )
    child.logfile_read = log
    return child


def _events(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.timeout(600)
def test_blind_drill_with_a_game_master(lab: Any, state: Path) -> None:
    env = drill_env(lab, state)
    responder_log, gm_log = io.StringIO(), io.StringIO()
    responder = _spawn(
        [
            "run",
            "--blind",
            "all",
            "--difficulty",
            "easy",
            "--seed",
            "7",
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
        ],
        env,
        responder_log,
    )
    gm = None
    try:
        responder.expect("since injection")  # the live panel is up, so is the run directory
        gm = _spawn(["gm", "latest", "--by", "lead", "--every", "5"], env, gm_log)
        gm.expect("hidden scenario: bullmq-backpressure")
        responder.expect("SYMPTOM", timeout=150)
        gm.sendline("hint is anything still taking jobs off that queue?")
        gm.expect("sent hint")
        responder.expect("hint from lead", timeout=60)
        responder.send("a")
        responder.send("h")
        responder.expect("service: ")  # the fields come first; Enter leaves each not stated
        responder.send("\r")
        responder.expect("kind: ")
        responder.send("\r")
        responder.expect("hypothesis: ")
        responder.send("the consumer ebit-api is down, the queue is backing up\r")
        gm.expect("RESPONDER hypothesis", timeout=60)
        gm.sendline("verdict correct")
        gm.expect("sent verdict")
        gm.sendline("debrief found it after one hint")
        gm.expect("sent debrief")
        responder.expect(pexpect.EOF, timeout=360)
        gm.expect("drill ended", timeout=60)
        gm.expect(pexpect.EOF, timeout=60)
    finally:
        responder.close(force=True)
        if gm is not None:
            gm.close(force=True)

    screen = ANSI.sub("", responder_log.getvalue())
    cut = screen.find("revealed")
    assert cut > 0, screen[-2000:]
    for word in HIDDEN:
        assert word not in screen[:cut], f"{word!r} shown to the responder before the end"
    assert "blind drill" in screen[:cut] and "signal 1" in screen[:cut]

    run_dir = next(p.parent for p in (state / "runs").glob("*/journal.jsonl"))
    assert "blind" in run_dir.name and "bullmq" not in run_dir.name
    sealed = run_dir / "blind-scenario.json"
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    events = _events(run_dir)
    types = [e["type"] for e in events]
    started = events[0]["data"]
    assert started["blind"] is True and started["seed"] == 7
    assert "bullmq" not in json.dumps(started)
    assert types.index("blind.revealed") < types.index("run.ended")
    of = {t: [e["data"] for e in events if e["type"] == t] for t in set(types)}
    hint = "is anything still taking jobs off that queue?"
    assert of["gm.hint"] == [{"by": "lead", "text": hint}]
    assert of["gm.verdict"] == [{"by": "lead", "verdict": "correct"}]
    assert of["gm.debrief"][0]["text"] == "found it after one hint"
    assert of["blind.revealed"][0]["scenario"] == "bullmq-backpressure"

    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    assert report["blind"] is True and report["scenario"] == "bullmq-backpressure"
    assert report["reveal"]["scenario"] == "bullmq-backpressure" and report["reveal"]["at"]
    assert report["reveal"]["details"]["root_cause"].startswith("The only consumer")
    assert [r["text"] for r in report["remarks"] if r["kind"] == "hint"] == [
        "is anything still taking jobs off that queue?"
    ]
    durations = report["durations"]
    assert durations["hypothesis_s"] is not None and durations["hypothesis_unaided_s"] is not None
    assert durations["hints_before_hypothesis"] == 1
    assert report["verdict"]["by"] == "lead" and report["verdict"]["matched"] is True
    slack = (run_dir / "timeline.slack.txt").read_text(encoding="utf-8")
    assert "revealed as *bullmq-backpressure*" in slack and "hints: 1" in slack
    markdown = (run_dir / "timeline.md").read_text(encoding="utf-8")
    assert "Time to hypothesis without hints" in markdown and "Unaided time" in markdown
    assert "drill ended" in ANSI.sub("", gm_log.getvalue())
