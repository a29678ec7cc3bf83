"""Defence in depth: a source that raises anything (its own bug, an answer nobody foresaw) or
reads a non-number is that source unavailable, journalled; the poll loop goes on."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from observe_fakes import FakeSource, events, make_scenario

from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal
from drillctl.observe.observer import Observer
from drillctl.scenario.model import Signal

QUEUE = {"name": "queue", "source": "prometheus", "query": "q", "symptom": {"above": 10}}
OTHER = QUEUE | {"name": "other", "source": "loki"}


class Buggy(FakeSource):
    def __init__(self, name: str, answer: Any, alerts: Any = ()) -> None:
        super().__init__(name)
        self.answer, self.alerts = answer, alerts

    async def read(self, signal: Signal, at: datetime) -> Any:
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer

    async def active_alerts(self) -> Any:
        if isinstance(self.alerts, BaseException):
            raise self.alerts
        return list(self.alerts)


def poll(answer: Any, journal: Journal, clock: FakeClock, alerts: Any = ()) -> list[Any]:
    loki = FakeSource("loki", {"other": lambda at: 3.0})
    sources = {"prometheus": Buggy("prometheus", answer, alerts), "loki": loki}
    obs = Observer(make_scenario([QUEUE, OTHER]), sources, journal, clock, poll_interval=1.0)
    samples = []
    for _ in range(3):
        samples += asyncio.run(obs.poll_once())
        clock.advance(1)
    return samples


def test_any_exception_of_a_source_is_unavailable_and_the_others_go_on(
    journal: Journal, clock: FakeClock
) -> None:
    samples = poll(KeyError("data"), journal, clock)
    assert [(s.signal, s.value) for s in samples] == [("other", 3.0)] * 3
    reasons = {(e["source"], e["reason"]) for e in events(journal, "source.unavailable")}
    assert reasons == {("prometheus", "internal error: KeyError: 'data'")}


def test_an_alert_poll_that_raises_is_unavailable_too(journal: Journal, clock: FakeClock) -> None:
    samples = poll(1.0, journal, clock, alerts=TypeError("list indices"))
    assert {s.signal for s in samples} == {"queue", "other"}
    reasons = {e["reason"] for e in events(journal, "source.unavailable")}
    assert reasons == {"internal error: TypeError: list indices"}


def test_a_reading_that_is_not_a_number_is_unavailable(journal: Journal, clock: FakeClock) -> None:
    samples = poll("12", journal, clock)
    assert {s.signal for s in samples} == {"other"}
    reasons = {e["reason"] for e in events(journal, "source.unavailable")}
    assert reasons == {"read a str, not a number"}
