"""The settle period between two drills: what counts as back, and the polling loop (FakeClock)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from test_suite_fakes import summary

from drillctl.commands.suite_settle import (
    SettlePlan,
    SignalCheck,
    checks_after,
    checks_before,
    expected_alerts,
    settle,
    waiting_for,
)
from drillctl.core.clock import FakeClock
from drillctl.observe.base import Sample
from drillctl.observe.detect import Baseline
from drillctl.report.model import SignalSummary
from drillctl.scenario.catalog import Catalog

CATALOG = Catalog(None)
BULLMQ = CATALOG.load("bullmq-backpressure").scenario
SIGNIN = CATALOG.load("signin-failure-spike").scenario
WS = CATALOG.load("ws-handshake-storm").scenario


def test_checks_after_use_the_previous_drills_own_baseline_for_primary_signals() -> None:
    measured = summary("bullmq-backpressure").model_copy(
        update={
            "signals": [
                SignalSummary(name="queue_waiting", baseline=2.0, spread=1.0, samples=10),
                SignalSummary(name="queue_active", baseline=1.0, spread=0.0, samples=10),
            ]
        }
    )
    (check,) = checks_after(BULLMQ, measured)  # queue_active is secondary
    assert check.key == "bullmq-backpressure/queue_waiting"
    assert check.baseline == Baseline(2.0, 1.0, 10)
    assert checks_after(BULLMQ, None) == []


def test_checks_before_only_judge_absolute_thresholds() -> None:
    assert [c.name for c in checks_before(SIGNIN)] == ["signin_failure_ratio", "signin_failures"]
    assert checks_before(BULLMQ) == []  # a delta needs the baseline the drill is about to take


def test_expected_alerts_of_both_drills() -> None:
    assert expected_alerts(BULLMQ, None, WS) == {
        "EbitApiDown",
        "BetSettledQueueBacklog",
        "WsHandshakesThrottled",
    }


def _queue_check() -> SignalCheck:
    rule = BULLMQ.signals[0].symptom  # delta 20, tolerance 5
    return SignalCheck("bullmq-backpressure", "queue_waiting", rule, Baseline(2.0, 1.0, 10))


def test_waiting_for_names_everything_still_moving() -> None:
    ratio = checks_before(SIGNIN)[0]
    reasons = waiting_for(
        [_queue_check(), ratio],
        {"bullmq-backpressure/queue_waiting": 40.0, ratio.key: 0.9},
        firing=["EbitApiDown", "BetsLost"],
        awaited_alerts={"EbitApiDown"},
        unhealthy=["ebit-api"],
        unavailable=["prometheus"],
    )
    assert reasons == [
        "service ebit-api not running and healthy",
        "source prometheus not answering",
        "bullmq-backpressure/queue_waiting = 40, not back at its baseline 2",
        "signin-failure-spike/signin_failure_ratio = 0.9 breaks its threshold",
        "alert EbitApiDown firing",
    ]


def test_within_tolerance_no_value_and_other_alerts_are_settled() -> None:
    ratio = checks_before(SIGNIN)[0]
    assert waiting_for([_queue_check()], {"bullmq-backpressure/queue_waiting": 6.0}) == []
    assert waiting_for([_queue_check(), ratio], {}) == []  # a series that does not exist yet
    assert waiting_for([], {}, firing=["BetsLost"], awaited_alerts={"EbitApiDown"}) == []


@dataclass
class FakeObserver:
    """poll_once() answers the next value of ``values``; alerts and sources as scripted."""

    scenario: object
    values: list[float | None]
    firing: list[list[str]] = field(default_factory=list)
    polls: int = 0

    async def poll_once(self) -> list[Sample]:
        value = self.values[min(self.polls, len(self.values) - 1)]
        self.polls += 1
        return [Sample("queue_waiting", datetime(2026, 1, 1, tzinfo=UTC), value)]

    def firing_alerts(self) -> list[str]:
        return self.firing[min(self.polls - 1, len(self.firing) - 1)] if self.firing else []

    def unavailable_sources(self) -> dict[str, str]:
        return {}


def _plan(observer: FakeObserver, **kw: object) -> SettlePlan:
    values: dict[str, object] = {
        "before": "signin-failure-spike",
        "observers": [observer],
        "checks": [_queue_check()],
        "awaited_alerts": {"EbitApiDown"},
        "sources": {"prometheus"},
        "unhealthy": lambda: [],
        "timeout": 60.0,
        "hold": 5.0,
        "poll": 2.0,
    }
    return SettlePlan(**(values | kw))  # type: ignore[arg-type]


def test_settles_once_calm_for_the_hold() -> None:
    clock = FakeClock()
    observer = FakeObserver(BULLMQ, [40.0, 30.0, 3.0, 40.0, 2.0])
    settled = asyncio.run(settle(_plan(observer), clock))
    # calm at poll 3 (t=4), broken at t=6, calm again from t=8: settled at t=14 (hold 5 s)
    assert settled.settled and settled.seconds == 14.0 and settled.waiting_for == []
    assert settled.before == "signin-failure-spike"


def test_a_leftover_alert_keeps_it_waiting_and_each_change_is_told() -> None:
    clock = FakeClock()
    observer = FakeObserver(BULLMQ, [2.0], firing=[["EbitApiDown"]] * 3 + [[]])
    told: list[list[str]] = []
    settled = asyncio.run(settle(_plan(observer, on_change=told.append), clock))
    assert settled.settled and settled.seconds == 12.0
    assert told == [["alert EbitApiDown firing"], []]


def test_gives_up_after_the_timeout_saying_what_still_moves() -> None:
    clock = FakeClock()
    unhealthy = _plan(FakeObserver(BULLMQ, [2.0]), unhealthy=lambda: ["ebit-api"], timeout=10.0)
    settled = asyncio.run(settle(unhealthy, clock))
    assert not settled.settled and settled.seconds == 10.0
    assert settled.waiting_for == ["service ebit-api not running and healthy"]
