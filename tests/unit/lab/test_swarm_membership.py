"""The swarm lab joins a swarm only when the engine is in none, and leaves only what it joined."""

from __future__ import annotations

from pathlib import Path

import pytest

from drillctl.lab.swarm_stack import INIT_RECORD, SwarmLab


class Engine:
    """Answers the `docker` argv the lab runs; records the verbs that change the engine."""

    def __init__(self, state: str, stacks: str = "") -> None:
        self.state, self.stacks, self.changes = state, stacks, []

    def __call__(self, args: list[str], timeout: float = 60) -> str:
        if args[:1] == ["info"]:
            return self.state + "\n"
        if args[:2] == ["stack", "ls"]:
            return self.stacks
        self.changes.append(args[:2])
        self.state = {"init": "active", "leave": "inactive"}.get(args[1], self.state)
        return ""


@pytest.fixture
def lab(tmp_path: Path) -> SwarmLab:
    return SwarmLab("lab", project_dir=tmp_path, state_dir=tmp_path / ".drillctl")


def test_an_engine_in_no_swarm_is_initialised_recorded_and_left_again(lab, monkeypatch) -> None:
    engine = Engine("inactive")
    monkeypatch.setattr(lab, "_docker", engine)
    lab.ensure_swarm()
    assert (lab.state_dir / INIT_RECORD).is_file() and engine.state == "active"
    lab.leave_if_initialised()
    assert engine.changes == [["swarm", "init"], ["swarm", "leave"]]
    assert engine.state == "inactive" and not (lab.state_dir / INIT_RECORD).exists()


def test_a_swarm_that_was_there_before_is_never_left(lab, monkeypatch) -> None:
    engine = Engine("active")
    monkeypatch.setattr(lab, "_docker", engine)
    lab.ensure_swarm()
    lab.leave_if_initialised()
    assert engine.changes == [] and engine.state == "active"


def test_another_stack_keeps_the_swarm_and_the_record(lab, monkeypatch) -> None:
    engine = Engine("inactive", stacks="lab\nsomeone-else\n")
    monkeypatch.setattr(lab, "_docker", engine)
    lab.ensure_swarm()
    lab.leave_if_initialised()
    assert engine.state == "active" and (lab.state_dir / INIT_RECORD).is_file()
