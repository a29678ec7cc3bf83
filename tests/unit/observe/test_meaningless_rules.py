"""A rule that cannot mean anything against its baseline: a primary signal's refuses the run
(exit 2, ``report.problems``); a secondary signal's is reported and the signal is not watched.
The case is the lab's: signin-failure-spike's ``signin_successes`` (factor 0.2, down) measured 0
during a baseline in which the smoke traffic had stalled."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from observe_fakes import FakeSource, events, make_scenario

from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal
from drillctl.observe.observer import Observer
from drillctl.scenario.catalog import Catalog

ZERO_CENTRE = (
    "signal signin_successes: factor x0.2 of a zero baseline centre is 0: the rule cannot tell a "
    "symptom from normal (use delta or an absolute threshold)"
)


def signin_signals(*, successes_primary: bool) -> list[dict]:
    scenario = Catalog(None).load("signin-failure-spike").scenario
    signals = [
        s.model_dump(mode="json", by_alias=True, exclude_unset=True) for s in scenario.signals
    ]
    for signal in signals:
        if signal["name"] == "signin_successes":
            signal["primary"] = successes_primary
    return signals


def stalled(journal: Journal, clock: FakeClock, *, successes_primary: bool) -> Observer:
    """Every sign-in signal reads 0: the smoke traffic signs in no more."""
    signals = signin_signals(successes_primary=successes_primary)
    prom = FakeSource("prometheus", {s["name"]: lambda at: 0.0 for s in signals})
    return Observer(make_scenario(signals), {"prometheus": prom}, journal, clock)


def test_a_secondary_signals_meaningless_rule_is_reported_and_not_watched(
    journal: Journal, clock: FakeClock
) -> None:
    obs = stalled(journal, clock, successes_primary=False)
    report = asyncio.run(obs.collect_baseline(timedelta(seconds=10)))
    assert report.problems == []  # the run goes on
    assert report.skipped == [ZERO_CENTRE]
    skipped = next(e for e in events(journal, "baseline") if e["signal"] == "signin_successes")
    assert skipped["not_watched"] == (
        "factor x0.2 of a zero baseline centre is 0: the rule cannot tell a symptom from normal "
        "(use delta or an absolute threshold); not watched (a secondary signal)"
    )
    assert obs.views["signin_successes"].not_watched
    watched = [e for e in events(journal, "baseline") if e["signal"] != "signin_successes"]
    assert [e["not_watched"] for e in watched] == [None, None]
    for _ in range(10):
        asyncio.run(obs.poll_once())
        clock.advance(1)
    assert obs.symptomatic() == [] and events(journal, "symptom") == []


def test_a_primary_signals_meaningless_rule_refuses_the_run(
    journal: Journal, clock: FakeClock
) -> None:
    obs = stalled(journal, clock, successes_primary=True)
    report = asyncio.run(obs.collect_baseline(timedelta(seconds=10)))
    assert report.problems == [ZERO_CENTRE] and report.skipped == []
    baseline = next(e for e in events(journal, "baseline") if e["signal"] == "signin_successes")
    assert baseline["not_watched"] is None
