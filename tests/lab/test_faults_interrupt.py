"""Rollback under interruption, for real: signals, a pseudo-terminal, SIGKILL + recover, a revert
that cannot succeed, and secrets that never reach the terminal or the journal.

Each test drives a FaultStack in its own process (DRIVE, see test_faults_support), with its own
state dir, and ends with a finalizer that recovers whatever the test left on the lab.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest
from test_faults_support import (
    ADMIN_PASSWORD,
    REPO,
    compose,
    drive_argv,
    drive_env,
    driver,
    journal_types,
    lab_variables,
    recover_everything,
    signin,
)

from drillctl.core.journal import read_journal
from drillctl.report.slack import render_slack
from drillctl.report.summary import summarize

pytestmark = [pytest.mark.lab]

STOP_API = {"type": "stop-service", "service": "ebit-api", "duration": "60s"}
EXIT_WITHIN_S = 30  # "a few seconds": the revert is one `compose start` and a wait for running


@pytest.fixture
def state_dir(lab: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for key, value in lab_variables(lab).items():
        monkeypatch.setenv(key, value)
    yield tmp_path
    recover_everything(lab, tmp_path)


def start(
    lab: Any, state_dir: Path, run_id: str, raw: dict[str, Any], hold_s: float = 60, **kw: Any
):
    proc = subprocess.Popen(
        drive_argv(state_dir, run_id, raw, hold_s),
        cwd=REPO,
        env=drive_env(lab),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("injected"), (
        line,
        proc.stderr.read() if proc.poll() is not None else "",
    )
    return proc


def finish(proc: subprocess.Popen[str], timeout: float = EXIT_WITHIN_S) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def api_running(lab: Any, state_dir: Path) -> bool:
    state = driver(lab, state_dir).state("ebit-api")
    return state.running == state.containers == 1


def drillctl(lab: Any, state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI against the lab and this test's state dir."""
    argv = [sys.executable, "-m", "drillctl", "--state-dir", str(state_dir), *args]
    return subprocess.run(
        argv, cwd=REPO, env=drive_env(lab), capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_a_60s_stop_exits_3_with_the_service_back(lab, state_dir, sig):
    proc = start(lab, state_dir, "run-sig", STOP_API)
    assert not api_running(lab, state_dir)
    sent = time.monotonic()
    proc.send_signal(sig)
    code, _out, err = finish(proc)
    assert code == 3, err
    assert time.monotonic() - sent < EXIT_WITHIN_S
    assert f"{sig.name} received: reverting 1 fault(s)" in err
    assert api_running(lab, state_dir)
    assert journal_types(state_dir, "run-sig")[-1] == "fault.reverted"


@pytest.mark.timeout(300)
def test_sigint_is_handled_even_when_the_shell_started_drillctl_ignoring_it(lab, state_dir):
    # a background job of a non-interactive shell inherits SIGINT as ignored
    ignoring = (
        "import signal, sys, os; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    argv = [sys.executable, "-c", ignoring, *drive_argv(state_dir, "run-bg", STOP_API, 60)]
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        env=drive_env(lab),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith("injected")
    proc.send_signal(signal.SIGINT)
    code, _out, err = finish(proc)
    assert code == 3, err
    assert api_running(lab, state_dir)


@pytest.mark.timeout(300)
def test_ctrl_c_under_a_terminal_twice_still_reverts(lab, state_dir):
    child = pexpect.spawn(
        drive_argv(state_dir, "run-tty", STOP_API, 60)[0],
        drive_argv(state_dir, "run-tty", STOP_API, 60)[1:],
        cwd=str(REPO),
        env=drive_env(lab),
        encoding="utf-8",
        timeout=120,
    )
    child.expect("injected")
    child.sendintr()  # Ctrl-C from the terminal: the whole foreground process group
    child.expect("reverting 1 fault")
    child.sendintr()  # and again, impatiently
    child.expect(pexpect.EOF, timeout=EXIT_WITHIN_S)
    child.close()
    assert child.exitstatus == 3, child.before
    assert "reverting is in progress" in (child.before or "") or api_running(lab, state_dir)
    assert api_running(lab, state_dir)
    assert journal_types(state_dir, "run-tty")[-1] == "fault.reverted"
    # the report times mitigation by this Ctrl-C revert (issue #17: never "no revert")
    events = read_journal(state_dir / "runs" / "run-tty" / "journal.jsonl").events
    summary = summarize(events)
    revert = next(e for e in events if e.type == "fault.revert-started")
    assert summary.first_revert_by == "signal" and summary.at.first_revert == revert.ts
    clock = summary.at.symptom or summary.at.injected
    assert clock is not None
    assert summary.durations.mitigate_s == max((revert.ts - clock).total_seconds(), 0.0)
    assert "Time to mitigate: no revert" not in render_slack(summary)


@pytest.mark.timeout(600)
def test_sigkill_during_env_override_then_recover_restores_signin(lab, state_dir):
    raw = {
        "type": "env-override",
        "service": "ebit-api",
        "duration": "60s",
        "environment": {"ADMIN_DEFAULT_PASSWORD": "wrong-on-purpose"},
    }
    proc = start(lab, state_dir, "run-kill", raw)
    proc.kill()  # SIGKILL: no handler runs, nothing is reverted
    proc.wait()
    assert driver(lab, state_dir).wait_healthy(["ebit-api"], 120)
    assert signin(lab, ADMIN_PASSWORD) == 401  # left with the wrong password
    overrides = state_dir / "runs" / "run-kill" / "overrides"
    assert len(list(overrides.iterdir())) == 1

    done = drillctl(lab, state_dir, "recover", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recreate service ebit-api with ADMIN_DEFAULT_PASSWORD overridden" in done.stdout
    assert "wrong-on-purpose" not in done.stdout + done.stderr
    assert driver(lab, state_dir).wait_healthy(["ebit-api"], 120)
    assert signin(lab, ADMIN_PASSWORD) == 200
    assert not list(overrides.iterdir())
    types = journal_types(state_dir, "run-kill")
    assert types[-2:] == ["fault.reverted", "run.ended"]
    listed = drillctl(lab, state_dir, "history", "--format", "json")
    (row,) = json.loads(listed.stdout)["runs"]  # the drillctl.history envelope
    assert row["run_id"] == "run-kill", listed.stdout + listed.stderr
    assert row["result_text"] == "aborted, recovered by drillctl recover"
    assert "wrong-on-purpose" not in (state_dir / "runs" / "run-kill" / "journal.jsonl").read_text()
    again = drillctl(lab, state_dir, "recover", "--yes")
    assert again.returncode == 0 and "nothing to recover" in again.stdout


@pytest.mark.timeout(600)
def test_a_revert_that_cannot_succeed_exits_4_saying_the_state_and_what_to_run(lab, state_dir):
    raw = {"type": "stop-service", "service": "ebit-game", "duration": "60s"}
    proc = start(lab, state_dir, "run-fail", raw, hold_s=5)
    removed = compose(lab, "rm", "--force", "--stop", "ebit-game")  # someone removes it meanwhile
    assert removed.returncode == 0, removed.stderr
    try:
        code, _out, err = finish(proc, timeout=120)
        assert code == 4, err
        assert "state: ebit-game: missing, 0/0 running" in err
        assert "up -d ebit-game" in err and "drillctl --state-dir" in err and "recover" in err
        failed = json.loads(
            (state_dir / "runs" / "run-fail" / "journal.jsonl").read_text().splitlines()[-1]
        )
        assert failed["type"] == "fault.revert-failed" and failed["data"]["todo"]
    finally:
        assert compose(lab, "up", "--detach", "--no-build", "--wait", "ebit-game").returncode == 0


@pytest.mark.timeout(300)
def test_exec_secrets_never_reach_the_terminal_or_the_journal(lab, state_dir):
    raw = {
        "type": "exec",
        "service": "ebit-redis-cache",
        "argv": ["redis-cli", "-a", "cache", "SET", "drill:secret", "x"],
        "revert_argv": ["redis-cli", "-a", "cache", "DEL", "drill:secret"],
    }
    proc = start(lab, state_dir, "run-exec", raw, hold_s=0.5)
    code, out, err = finish(proc)
    assert code == 0, err
    journal = (state_dir / "runs" / "run-exec" / "journal.jsonl").read_text()
    for text in (out, err, journal):
        assert "-a cache" not in text and '"cache"' not in text
    assert "redis-cli -a *** SET drill:secret x" in journal
