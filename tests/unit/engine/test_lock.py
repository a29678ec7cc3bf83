from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from drillctl.core.errors import LockError
from drillctl.engine.lock import ProjectLock, is_held, live_run_ids, lock_path

HOLDER = """
import sys, time
from pathlib import Path
from drillctl.engine.lock import ProjectLock
with ProjectLock(Path(sys.argv[1]), "ebit-lab", run_id="run-live"):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def test_a_live_holder_refuses_a_second_drill_naming_itself(tmp_path, holder):
    with pytest.raises(LockError) as caught:
        ProjectLock(tmp_path, "ebit-lab").acquire()
    assert f"pid {holder.pid}" in str(caught.value) and "run-live" in str(caught.value)
    assert int(caught.value.exit_code) == 2
    assert live_run_ids(tmp_path) == {"run-live"}


def test_the_lock_of_a_killed_holder_is_taken_over(tmp_path, holder):
    holder.kill()
    holder.wait()
    with ProjectLock(tmp_path, "ebit-lab", run_id="next") as lock:
        assert lock.took_over is not None and lock.took_over.pid == holder.pid
        assert json.loads(lock.path.read_text())["run_id"] == "next"
    assert live_run_ids(tmp_path) == set()


def test_a_stale_lock_file_of_a_dead_pid_is_taken_over(tmp_path):
    path = lock_path(tmp_path, "ebit-lab")
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps({"pid": 999999, "ticks": 1, "run_id": "old", "since": "x", "host": "h"})
    )
    with ProjectLock(tmp_path, "ebit-lab") as lock:
        assert lock.took_over is not None and lock.took_over.run_id == "old"


def test_release_leaves_no_holder_and_other_projects_are_independent(tmp_path):
    with ProjectLock(tmp_path, "a"), ProjectLock(tmp_path, "b/odd name"):
        assert is_held(lock_path(tmp_path, "a"))
    assert not is_held(lock_path(tmp_path, "a"))
    with ProjectLock(tmp_path, "a") as again:
        assert again.took_over is None  # a clean release is not a stale lock


def test_holder_fixture_is_quick(tmp_path):
    started = time.monotonic()
    with ProjectLock(tmp_path, "x"):
        pass
    assert time.monotonic() - started < 1
