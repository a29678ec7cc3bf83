from __future__ import annotations

import asyncio
import json
import stat

import pytest
from fault_helpers import drive, fault, make_env

from drillctl.core.errors import PreflightError, TargetError
from drillctl.core.redact import Redactor
from drillctl.target.base import ExecResult
from drillctl.target.memory import MemoryDriver, MemoryService

FLUSH = {"type": "exec", "service": "api", "argv": ["redis-cli", "-a", "cache", "FLUSHDB"]}


def test_argv_reaches_the_target_verbatim_shell_metacharacters_included(tmp_path):
    env = make_env(tmp_path)
    argv = ["echo", "a;b", "$(id)", "`x`", "|", "&&", "*", "'q'"]
    drive(env, {"type": "exec", "service": "api", "argv": argv})
    assert ("exec", "api", *argv) in env.target.calls


def test_shell_true_runs_the_string_with_sh_c(tmp_path):
    env = make_env(tmp_path)
    drive(env, {"type": "exec", "service": "api", "shell": True, "command": "echo $HOME; true"})
    assert ("exec", "api", "/bin/sh", "-c", "echo $HOME; true") in env.target.calls


def test_a_shell_string_without_shell_true_is_refused():
    with pytest.raises(ValueError, match="shell: true"):
        fault({"type": "exec", "service": "api", "command": "redis-cli FLUSHDB"})


def test_the_plan_masks_the_password():
    plan = fault(FLUSH).plan()
    assert plan.action == "run redis-cli -a *** FLUSHDB in service api"
    assert "cache" not in plan.action.replace("service", "")
    shell = fault(
        {"type": "exec", "service": "r", "shell": True, "command": "redis-cli -a cache FLUSHDB"}
    )
    assert "-a *** FLUSHDB" in shell.plan().action


def test_output_and_undo_never_hold_the_password(tmp_path):
    driver = MemoryDriver()
    driver.exec_results["redis-cli"] = ExecResult(0, "OK cache\n", "AUTH cache failed?\n")
    env = make_env(tmp_path, driver)
    out = drive(env, {**FLUSH, "revert_argv": ["redis-cli", "-a", "cache", "CONFIG", "RESETSTAT"]})
    text = json.dumps([out["undo"], out["result"], out["reverted"]])
    assert "cache" not in text
    assert out["result"]["stdout"] == "OK ***\n"


def test_a_different_exit_code_fails_the_injection(tmp_path):
    driver = MemoryDriver()
    driver.exec_results["false"] = ExecResult(1, "", "nope")
    env = make_env(tmp_path, driver)
    with pytest.raises(TargetError, match="exited 1, expected 0"):
        drive(env, {"type": "exec", "service": "api", "argv": ["false"]})
    drive(env, {"type": "exec", "service": "api", "argv": ["false"], "expect_exit": None})


def test_revert_argv_is_kept_in_a_private_file_then_consumed(tmp_path):
    env = make_env(tmp_path)
    plugin = fault({**FLUSH, "revert_argv": ["redis-cli", "-a", "cache", "SET", "k", "v"]})
    undo = plugin.undo()
    asyncio.run(plugin.inject(env))
    private = env.run_dir / undo["private"]
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert json.loads(private.read_text())["argv"][2] == "cache"
    asyncio.run(type(plugin).revert(env, undo, {}))
    assert ("exec", "api", "redis-cli", "-a", "cache", "SET", "k", "v") in env.target.calls
    assert not private.exists()
    assert asyncio.run(type(plugin).revert(env, undo, {})) == {"skipped": "no revert command"}


def test_exec_needs_a_running_service(tmp_path):
    env = make_env(tmp_path, MemoryDriver({"api": MemoryService(status="exited")}))
    with pytest.raises(PreflightError, match="needs it running"):
        asyncio.run(fault(FLUSH).check(env))


def test_run_secrets_are_masked_in_the_output_too(tmp_path):
    driver = MemoryDriver()
    driver.exec_results["env"] = ExecResult(0, "TOKEN=s3cr3t-value\n", "")
    env = make_env(tmp_path, driver, Redactor(["s3cr3t-value"]))
    out = drive(env, {"type": "exec", "service": "api", "argv": ["env"]})
    assert "s3cr3t" not in out["result"]["stdout"]
