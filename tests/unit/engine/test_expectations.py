"""The expect block judged from journal events."""

from __future__ import annotations

from datetime import timedelta

from drill_events import Events, drill

from drillctl.engine.expectations import check_invariant, check_timings
from drillctl.scenario.model import AlertExpectation, Expect, Invariant, Recovery


def _by_name(results: list) -> dict:
    return {r.name: r for r in results}


def test_a_drill_that_broke_alerted_and_recovered_in_time_passes() -> None:
    ev = drill(symptom_at=8, revert_at=30, recovered_at=45)
    ev.add(20, "alert", name="BetSettledQueueBacklog", state="firing", source="prometheus")
    expect = Expect(
        symptom_within=timedelta(seconds=10),
        recovered_within=timedelta(seconds=20),
        alerts=[AlertExpectation(name="BetSettledQueueBacklog", within=timedelta(seconds=30))],
    )
    results = _by_name(check_timings(ev.events, expect, Recovery()))
    assert all(r.passed for r in results.values()), results
    assert results["symptom"].actual == 3.0  # injected at 5, confirmed at 8
    assert results["alert:BetSettledQueueBacklog"].actual == 15.0
    assert results["recovered"].actual == 15.0  # revert at 30, recovered at 45


def test_no_symptom_fails_even_without_a_bound() -> None:
    results = _by_name(check_timings(drill(symptom_at=None).events, Expect(), Recovery()))
    assert not results["symptom"].passed
    assert results["symptom"].detail == "no signal showed the symptom of the injection"
    assert not results["recovered"].passed
    assert results["recovered"].detail == "no symptom to recover from"


def test_late_symptom_alert_that_never_fired_and_slow_recovery_fail() -> None:
    ev = drill(symptom_at=25, revert_at=30, recovered_at=200)
    expect = Expect(
        symptom_within=timedelta(seconds=10),
        alerts=[AlertExpectation(name="EbitApiDown", within=timedelta(seconds=60))],
    )
    results = _by_name(check_timings(ev.events, expect, Recovery(timeout=timedelta(seconds=60))))
    assert not results["symptom"].passed and results["symptom"].actual == 20.0
    assert results["alert:EbitApiDown"].detail == "EbitApiDown never fired"
    assert not results["recovered"].passed and results["recovered"].actual == 170.0


def test_an_alert_already_firing_before_the_fault_is_said_so_and_fails() -> None:
    ev = drill(symptom_at=8, revert_at=30, recovered_at=45)  # injected at 5
    ev.add(2, "alert", name="BetSettledQueueBacklog", state="firing", source="alertmanager")
    ev.add(31, "alert", name="BetSettledQueueBacklog", state="resolved", source="alertmanager")
    expect = Expect(
        alerts=[AlertExpectation(name="BetSettledQueueBacklog", within=timedelta(seconds=60))]
    )
    result = _by_name(check_timings(ev.events, expect, Recovery()))["alert:BetSettledQueueBacklog"]
    assert not result.passed and result.actual is None
    assert result.detail == (
        "BetSettledQueueBacklog was already firing before the fault, "
        "so its firing shows nothing about it"
    )


def test_a_signal_that_did_not_recover_is_named() -> None:
    ev = drill(symptom_at=8, recovered_at=None)
    results = _by_name(check_timings(ev.events, Expect(), Recovery()))
    assert results["recovered"].detail == "still not normal: waiting"


def test_symptom_before_injection_does_not_count() -> None:
    ev = Events().symptom(1, "waiting", 300, 10)
    ev.add(5, "fault.injected", fault=0, id="x", result={})
    results = _by_name(check_timings(ev.events, Expect(), Recovery()))
    assert not results["symptom"].passed


def test_invariants() -> None:
    none_lost = Invariant(name="jobs_lost", source="prometheus", query="ebit_bets_lost", equals=0)
    assert check_invariant(none_lost, [0.0]).passed
    failed = check_invariant(none_lost, [0.0, 3.0, 0.0])
    assert not failed.passed and failed.actual == 3.0
    assert failed.detail == "jobs_lost = 3 (expected == 0)"
    some_lost = Invariant(name="lost", source="prometheus", query="q", above=0)
    assert check_invariant(some_lost, [5.0]).passed
    assert check_invariant(some_lost, [None]).detail == "q: no data"


def test_secondary_signals_neither_pass_nor_block() -> None:
    ev = drill(symptom_at=None)
    ev.symptom(6, "queue_active", 0, 0)  # a secondary signal "breaks" at once and never recovers
    results = _by_name(check_timings(ev.events, Expect(), Recovery(), primary={"waiting"}))
    assert not results["symptom"].passed
    ev = drill(symptom_at=8, recovered_at=45).symptom(6, "queue_active", 0, 0)
    results = _by_name(check_timings(ev.events, Expect(), Recovery(), primary={"waiting"}))
    assert results["symptom"].passed and results["recovered"].passed
