"""When a fault took effect (``effective_at``) and what its command's own duration says."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from fault_helpers import fault, make_env

from drillctl.faults._effective import stopping_words
from drillctl.faults.wsclient import Tally
from drillctl.target.base import ContainerEvent
from drillctl.target.memory import MemoryDriver

T0 = datetime.fromisoformat("2026-12-07T14:20:03+00:00")


class EventsDriver(MemoryDriver):
    """A memory target whose project emits these container events once followed."""

    def __init__(self, events: list[ContainerEvent]) -> None:
        super().__init__()
        self.emitted = events

    def events(self, since: datetime) -> Iterator[ContainerEvent]:
        return iter(self.emitted)


def event(action: str, after_s: float, exit_code: int | None = None) -> ContainerEvent:
    return ContainerEvent("api", action, T0 + timedelta(seconds=after_s), "c1", exit_code)


def inject(driver: MemoryDriver, raw: dict, tmp_path: Path) -> dict:
    env = make_env(tmp_path, driver)
    plugin = fault(raw)

    async def run() -> dict:
        await plugin.check(env)
        return await plugin.inject(env)

    return asyncio.run(run())


def test_a_stop_takes_effect_at_the_die_and_says_it_was_killed_after_the_grace(tmp_path):
    die = event("die", 10.2, exit_code=137)
    driver = EventsDriver([event("kill", 0.1), die])
    result = inject(driver, {"type": "stop-service", "service": "api", "duration": "30s"}, tmp_path)
    assert result["effective_at"] == die.at.isoformat()
    # the fake clock did not move while the command ran: the stop began at its own now
    began = make_env(tmp_path).clock.now()
    assert result["took"] == stopping_words("api", began, die)
    assert stopping_words("api", T0, die) == (
        "api took 10.2 s to stop: it ignored SIGTERM and was killed after the grace period"
    )


def test_a_stop_that_exits_on_sigterm_is_only_slow_and_a_quick_one_says_nothing():
    assert stopping_words("api", T0, event("die", 4.0, exit_code=143)) == "api took 4.0 s to stop"
    assert stopping_words("api", T0, event("die", 0.4, exit_code=143)) is None


def test_without_a_die_event_the_commands_return_stands_for_the_effect(tmp_path):
    env = make_env(tmp_path)  # the memory target emits no events
    result = asyncio.run(fault({"type": "kill-service", "service": "api"}).inject(env))
    assert result["effective_at"] == env.clock.now().isoformat() and result["took"] is None


def test_an_env_override_takes_effect_when_the_new_container_starts(tmp_path):
    start = event("start", 3.5)
    driver = EventsDriver([event("die", 1.0), event("create", 2.0), start])
    raw = {
        "type": "env-override",
        "service": "api",
        "environment": {"ADMIN_DEFAULT_PASSWORD": "wrong"},
        "duration": "60s",
    }
    result = inject(driver, raw, tmp_path)
    assert result["effective_at"] == start.at.isoformat()


def test_the_storm_marks_its_first_answered_handshake_once(tmp_path):
    mark = tmp_path / "storm.first"
    tally = Tally(first_mark=mark)
    tally.add("errored", "refused connection", 0.01)
    assert not mark.exists()  # an error is not the gateway answering
    tally.add("refused", "throttled", 0.02)
    first = mark.read_text()
    tally.add("accepted", None, 0.02)
    assert mark.read_text() == first and float(first) > 0
