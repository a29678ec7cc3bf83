from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest

from drillctl.commands.signals import aborted_when_interrupted, reverting_on_signals
from drillctl.core.clock import FakeClock
from drillctl.core.errors import AbortedError, RevertFailedError, TargetError
from drillctl.core.journal import Journal, read_events
from drillctl.core.redact import Redactor
from drillctl.engine.rollback import FaultStack, Interrupts
from drillctl.engine.scenario_faults import ScenarioFaults
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan
from drillctl.faults.registry import all_params, plugin_for
from drillctl.target.memory import MemoryDriver


class ProbeParams(FaultParams):
    type: Literal["probe"] = "probe"
    tag: str
    fail_inject: bool = False
    fail_revert: bool = False


class Probe:
    """A fault that records the journal as it was when it acted, and can fail on purpose."""

    type_name: ClassVar[str] = "probe"
    params_model: ClassVar[type[FaultParams]] = ProbeParams
    log: ClassVar[list[str]] = []
    seen_at_inject: ClassVar[list[list[str]]] = []

    def __init__(self, params: ProbeParams) -> None:
        self.params = params

    def plan(self) -> FaultPlan:
        return FaultPlan(f"probe {self.params.tag}", ["api"], None, f"unprobe {self.params.tag}")

    async def check(self, env: FaultEnv) -> None: ...

    def undo(self) -> dict[str, Any]:
        return {"tag": self.params.tag, "fail": self.params.fail_revert}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        journal = env.run_dir / "journal.jsonl"
        Probe.seen_at_inject.append([e.type for e in read_events(journal)])
        Probe.log.append(f"inject {self.params.tag}")
        if self.params.fail_inject:
            raise TargetError("half-way")
        return {"tag": self.params.tag}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        cls.log.append(f"revert {undo['tag']}")
        if undo["fail"]:
            raise TargetError("service api is gone")
        return {}


@pytest.fixture
def rig(tmp_path: Path):
    Probe.log.clear()
    Probe.seen_at_inject.clear()
    env = FaultEnv(MemoryDriver(), tmp_path, FakeClock(), Redactor())
    journal = Journal(tmp_path / "journal.jsonl")
    yield env, journal
    journal.close()


def probe(tag: str, **kw: Any) -> Probe:
    return Probe(ProbeParams(tag=tag, **kw))


def types(journal: Journal) -> list[str]:
    return [e.type for e in read_events(journal.path)]


@contextlib.asynccontextmanager
async def owned(env: FaultEnv, journal: Journal, said: list[str]) -> AsyncIterator[FaultStack]:
    """A stack inside a process whose command handles the signals, as ``drillctl run`` does."""
    interrupts = Interrupts()
    stack = FaultStack(env, journal, say=said.append, interrupts=interrupts)
    with (
        aborted_when_interrupted(interrupts),
        reverting_on_signals(interrupts, lambda: len(stack.active), say=said.append),
    ):
        async with stack:
            yield stack


def test_undo_is_journalled_before_the_fault_acts_and_faults_unwind_lifo(rig):
    env, journal = rig

    async def run() -> None:
        async with FaultStack(env, journal) as stack:
            await stack.inject(probe("a"), 0)
            await stack.inject(probe("b"), 1)

    asyncio.run(run())
    assert Probe.seen_at_inject[0][-1] == "fault.inject-started"
    assert Probe.log == ["inject a", "inject b", "revert b", "revert a"]
    started = next(e for e in read_events(journal.path) if e.type == "fault.inject-started")
    assert started.data["undo"] == {"tag": "a", "fail": False} and started.data["plan"] == "probe a"
    assert types(journal)[-2:] == ["fault.revert-started", "fault.reverted"]


def test_an_exception_unwinds_and_propagates(rig):
    env, journal = rig

    async def run() -> None:
        async with FaultStack(env, journal) as stack:
            await stack.inject(probe("a"), 0)
            raise RuntimeError("engine bug")

    with pytest.raises(RuntimeError, match="engine bug"):
        asyncio.run(run())
    assert Probe.log == ["inject a", "revert a"]


def test_a_half_injected_fault_is_reverted_and_a_never_started_one_is_not(rig):
    env, journal = rig

    async def run() -> None:
        async with FaultStack(env, journal) as stack:
            await stack.inject(probe("a"), 0)
            await stack.inject(probe("b", fail_inject=True), 1)
            await stack.inject(probe("c"), 2)

    with pytest.raises(TargetError):
        asyncio.run(run())
    assert Probe.log == ["inject a", "inject b", "revert b", "revert a"]
    assert "fault.inject-failed" in types(journal)


def test_a_failed_revert_does_not_stop_the_others_and_ends_in_exit_4(rig):
    env, journal = rig

    async def run() -> None:
        async with FaultStack(env, journal) as stack:
            await stack.inject(probe("a"), 0)
            await stack.inject(probe("b", fail_revert=True), 1)

    with pytest.raises(RevertFailedError) as caught:
        asyncio.run(run())
    assert int(caught.value.exit_code) == 4
    assert Probe.log[-2:] == ["revert b", "revert a"]
    failed = next(e for e in read_events(journal.path) if e.type == "fault.revert-failed")
    assert failed.data["error"] == "service api is gone"
    assert failed.data["state"] == "api: running, 1/1 running"
    assert "unprobe b by hand" in failed.data["todo"] and "drillctl recover" in failed.data["todo"]
    assert "state: api: running" in str(caught.value) and "drillctl recover" in str(caught.value)


def test_reverting_one_fault_early_takes_it_off_the_stack(rig):
    env, journal = rig

    async def run() -> None:
        async with FaultStack(env, journal) as stack:
            await stack.inject(probe("a"), 0)
            await stack.inject(probe("b"), 1)
            assert await stack.revert(0, by="responder")
            assert stack.active == [1]

    asyncio.run(run())
    assert Probe.log == ["inject a", "inject b", "revert a", "revert b"]
    by = [e.data["by"] for e in read_events(journal.path) if e.type == "fault.revert-started"]
    assert by == ["responder", "engine"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_reverts_and_exits_3_even_when_sigint_was_ignored(rig, sig):
    env, journal = rig
    said: list[str] = []
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a background job inherits it

    async def run() -> None:
        async with owned(env, journal, said) as stack:
            await stack.inject(probe("a"), 0)
            os.kill(os.getpid(), sig)
            await asyncio.sleep(30)

    try:
        with pytest.raises(AbortedError) as caught:
            asyncio.run(asyncio.wait_for(run(), 10))
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # restored on the way out
    finally:
        signal.signal(signal.SIGINT, previous)
    assert int(caught.value.exit_code) == 3
    assert Probe.log == ["inject a", "revert a"]
    assert types(journal)[-1] == "fault.reverted"
    assert [
        e.data["by"] for e in read_events(journal.path) if e.type == "fault.revert-started"
    ] == ["signal"]
    assert said and "reverting 1 fault" in said[0]


def test_a_second_signal_does_not_skip_the_revert(rig):
    env, journal = rig
    said: list[str] = []

    class Slow(Probe):
        @classmethod
        async def revert(
            cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
        ) -> dict[str, Any]:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C again, mid-revert
            await asyncio.sleep(0.2)
            cls.log.append("revert done")
            return {}

    async def run() -> None:
        async with owned(env, journal, said) as stack:
            await stack.inject(Slow(ProbeParams(tag="a")), 0)
            os.kill(os.getpid(), signal.SIGINT)
            await asyncio.sleep(30)

    with pytest.raises(AbortedError):
        asyncio.run(asyncio.wait_for(run(), 10))
    assert Probe.log[-1] == "revert done"
    assert any("reverting is in progress" in line for line in said)


def test_secrets_in_errors_are_masked(tmp_path):
    env = FaultEnv(MemoryDriver(), tmp_path, FakeClock(), Redactor(["hunter22"]))
    journal = Journal(tmp_path / "journal.jsonl")

    class Leaky(Probe):
        async def inject(self, env: FaultEnv) -> dict[str, Any]:
            raise TargetError("auth failed for hunter22")

    async def run() -> None:
        async with FaultStack(env, journal) as stack:
            await stack.inject(Leaky(ProbeParams(tag="a")), 0)

    with pytest.raises(TargetError):
        asyncio.run(run())
    assert "hunter22" not in journal.path.read_text()


def test_scenario_faults_is_the_engines_port(tmp_path):
    driver = MemoryDriver()
    env = FaultEnv(driver, tmp_path, FakeClock(), Redactor())
    raws = [
        {"type": "stop-service", "service": "api", "duration": "30s"},
        {"type": "pause-service", "service": "db", "duration": "45s"},
    ]
    plugins = [plugin_for(all_params()[r["type"]].model_validate(r)) for r in raws]

    async def run() -> None:
        with Journal(tmp_path / "journal.jsonl") as journal:
            async with ScenarioFaults(env, journal, plugins) as faults:
                assert await faults.check() == []
                assert [h.total_seconds() for h in faults.holds()] == [30, 45]
                async with faults.injected(0), faults.injected(1):
                    assert driver.state("api").state == "exited"
                    assert driver.state("db").state == "paused"
                    assert await faults.revert(1, "responder")
                    assert driver.state("db").state == "running"
                assert not faults.failed()
            by = [
                (e.data["fault"], e.data["by"])
                for e in read_events(journal.path)
                if e.type == "fault.revert-started"
            ]
            assert by == [(1, "responder"), (0, "engine")]

    asyncio.run(run())
    assert driver.state("api").state == driver.state("db").state == "running"


def test_scenario_faults_check_reports_problems_without_raising(tmp_path):
    env = FaultEnv(MemoryDriver(), tmp_path, FakeClock(), Redactor())
    plugin = plugin_for(
        all_params()["stop-service"].model_validate(
            {"type": "stop-service", "service": "nope", "duration": "1s"}
        )
    )
    with Journal(tmp_path / "journal.jsonl") as journal:
        problems = asyncio.run(ScenarioFaults(env, journal, [plugin]).check())
    assert len(problems) == 1 and "'nope'" in problems[0] and "api, db" in problems[0]


def test_a_revert_cut_by_a_second_ctrl_c_is_tried_again(rig):
    """From a terminal, Ctrl-C also kills the docker compose the revert is running."""
    env, journal = rig
    said: list[str] = []

    class CutOnce(Probe):
        @classmethod
        async def revert(
            cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
        ) -> dict[str, Any]:
            cls.log.append("revert try")
            if cls.log.count("revert try") == 1:
                os.kill(os.getpid(), signal.SIGINT)
                await asyncio.sleep(0.1)  # the handler runs
                raise TargetError("docker compose start failed: (no output)")
            return {}

    async def run() -> None:
        async with owned(env, journal, said) as stack:
            await stack.inject(CutOnce(ProbeParams(tag="a")), 0)
            os.kill(os.getpid(), signal.SIGINT)
            await asyncio.sleep(30)

    with pytest.raises(AbortedError):
        asyncio.run(asyncio.wait_for(run(), 10))
    assert Probe.log.count("revert try") == 2
    assert types(journal)[-1] == "fault.reverted"
    assert any("trying again" in line for line in said)
