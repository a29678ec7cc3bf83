from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from fault_helpers import fault, make_env

from drillctl.faults import _process
from drillctl.faults._files import read_private

SLEEPER = [
    sys.executable,
    "-c",
    "import subprocess,time; subprocess.Popen(['sleep','30']); time.sleep(30)",
]


def test_the_process_runs_until_the_revert_stops_its_whole_group(tmp_path):
    env = make_env(tmp_path)
    plugin = fault({"type": "host-command", "argv": SLEEPER, "duration": "30s"})
    undo = plugin.undo()
    result = asyncio.run(plugin.inject(env))
    proc = read_private(env.run_dir, undo["private"])
    assert proc["pid"] == result["pid"] and _process.is_alive(proc["pid"], proc["ticks"])
    time.sleep(0.3)
    children = _group_members(proc["pid"])
    assert len(children) >= 2
    reverted = asyncio.run(type(plugin).revert(env, undo, {}))  # from the undo alone, as recover
    assert reverted["stopped"] == "SIGTERM"
    time.sleep(0.2)
    assert not any(_process.is_alive(pid, None) for pid in children)
    assert asyncio.run(type(plugin).revert(env, undo, {}))["skipped"]


def test_without_a_duration_the_command_is_the_fault_and_ends_by_itself(tmp_path):
    env = make_env(tmp_path)
    plugin = fault({"type": "host-command", "argv": [sys.executable, "-c", "raise SystemExit(3)"]})
    result = asyncio.run(plugin.inject(env))
    assert result["exit_code"] == 3
    assert (env.run_dir / result["log"]).is_file()


def test_a_reused_pid_is_never_signalled():
    assert not _process.is_alive(os.getpid(), 1)  # same pid, another start time
    assert _process.stop(os.getpid(), 1)["stopped"] == "already exited"


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    members.append(int(entry.name))
            except ProcessLookupError:
                continue
    return members
