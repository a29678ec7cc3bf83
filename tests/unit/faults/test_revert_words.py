"""The words that describe a revert are the fault plugin's (its plan): the journal records them,
and ``recover`` and the runbook prefill read them from there, for every fault type."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fault_helpers import make_env
from test_registry import EXAMPLES

from drillctl.core.events import FaultInjectStarted, first_of
from drillctl.core.journal import Journal, read_events
from drillctl.engine.recover import pending_faults
from drillctl.engine.rollback import FaultStack
from drillctl.faults.registry import BUILTIN_PARAMS, plugin_for
from drillctl.readiness.prefill import revert_step


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_runbook_fix_step_is_the_plugins_revert(name: str) -> None:
    params = BUILTIN_PARAMS[name].model_validate({"type": name, **EXAMPLES[name]})
    plan = plugin_for(params).plan()
    step = revert_step(params)
    assert step.lower().startswith(plan.revert.lower())
    assert ("`docker compose " in step) == bool(plan.by_hand)


@pytest.mark.parametrize(
    ("raw", "words", "command"),
    [
        ({"type": "stop-service", "duration": "1m"}, "start service api", "start api"),
        ({"type": "pause-service", "duration": "5s"}, "unpause service api", "unpause api"),
        ({"type": "exec", "argv": ["true"]}, "nothing (no revert_argv)", None),
        (
            {
                "type": "exec",
                "argv": ["redis-cli", "-a", "s3cret", "DEL", "k"],
                "revert_argv": ["redis-cli", "-a", "s3cret", "SET", "k", "1"],
            },
            "run redis-cli -a *** SET k 1 in api",
            "exec api redis-cli -a '***' SET k 1",
        ),
    ],
)
def test_the_runbook_says_the_plugins_words_and_command(raw, words, command) -> None:
    params = BUILTIN_PARAMS[raw["type"]].model_validate({**raw, "service": "api"})
    step = revert_step(params)
    assert step.startswith(words[0].upper() + words[1:])
    assert (f"`docker compose {command}`" in step) if command else ("`" not in step)
    assert "s3cret" not in step


def test_the_journal_records_the_plugins_revert_words_and_recover_reads_them(
    tmp_path: Path,
) -> None:
    env = make_env(tmp_path)
    plugin = plugin_for(
        BUILTIN_PARAMS["pause-service"].model_validate(
            {"type": "pause-service", "service": "api", "duration": "5s"}
        )
    )
    with Journal(env.run_dir / "journal.jsonl") as journal:
        stack = FaultStack(env, journal)
        asyncio.run(plugin.check(env))
        asyncio.run(stack.inject(plugin, 0))
    events = read_events(env.run_dir / "journal.jsonl")
    started = first_of(events, FaultInjectStarted)
    assert started is not None and started.revert == "unpause service api"
    assert [f.revert for f in pending_faults(events)] == ["unpause service api"]


def test_a_010_journal_without_revert_words_names_the_revert_after_its_plan() -> None:
    old = FaultInjectStarted(fault=0, fault_type="stop-service", plan="stop service api for 1m")
    assert old.revert is None and "revert" not in old.data
    assert [f.revert for f in pending_faults([old])] == ["undo stop service api for 1m"]
