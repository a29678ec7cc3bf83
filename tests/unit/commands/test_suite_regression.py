"""Regression tracking as a pure function: a run against the medians of the previous runs."""

from __future__ import annotations

from typing import Any

import pytest

from drillctl.commands.regression import Tolerance, comparable, compare, parse_tolerance
from drillctl.core.errors import ConfigError
from drillctl.report.history import AlertFired, RunRecord


def record(run_id: str = "r", **kw: Any) -> RunRecord:
    alerts = kw.pop("alerts", {"WsHandshakesThrottled": 8.0})
    values = {"scenario": "ws-handshake-storm", "result": "passed", "mode": "unattended"}
    values |= {"detect_s": 4.0, "recover_s": 20.0, "jobs_lost": 0.0} | kw
    fired = [AlertFired(name=n, latency_s=v) for n, v in alerts.items()]
    return RunRecord(run_id=run_id, alerts_fired=fired, **values)


def history(n: int = 3, **kw: Any) -> list[RunRecord]:
    return [record(f"old{i}", **kw) for i in range(n)]


def metrics(found: list[Any]) -> dict[str, str]:
    return {r.metric: r.kind for r in found}


def test_a_run_like_its_history_has_no_regression() -> None:
    assert compare(record(detect_s=5.0, recover_s=25.0), history()) == []


def test_detection_half_again_slower_and_beyond_the_floor_is_a_regression() -> None:
    found = compare(record(detect_s=12.0), history(detect_s=6.0))
    assert metrics(found) == {"detect_s": "slower"}
    assert found[0].median == 6.0 and found[0].current == 12.0 and found[0].runs == 3
    assert "time to detect 12.0s, 100% slower than the median of 3 previous run(s)" in (
        found[0].message
    )


def test_slower_by_less_than_the_floor_is_noise() -> None:
    # 3 s against a 1 s median is 200% slower, but two seconds at a one-second poll is noise
    assert compare(record(detect_s=3.0), history(detect_s=1.0)) == []
    assert metrics(compare(record(detect_s=3.0), history(detect_s=1.0), Tolerance(floor_s=1))) == {
        "detect_s": "slower"
    }


def test_the_median_not_the_mean_is_the_reference() -> None:
    previous = [
        record("a", recover_s=20.0),
        record("b", recover_s=22.0),
        record("c", recover_s=300),
    ]
    assert compare(record(recover_s=30.0), previous) == []  # median 22: 30 is within 50 %
    assert metrics(compare(record(recover_s=40.0), previous)) == {"recover_s": "slower"}


def test_an_alert_that_fired_before_and_no_longer_does() -> None:
    found = compare(record(alerts={}), history())
    assert metrics(found) == {"alert:WsHandshakesThrottled": "missing"}
    assert found[0].message == (
        "alert WsHandshakesThrottled fired in 3 of 3 previous runs, not in this one"
    )


def test_an_alert_that_fired_in_half_the_runs_or_fewer_is_not_relied_upon() -> None:
    previous = [record("a"), record("b", alerts={}), record("c", alerts={}), record("d")]
    assert compare(record(alerts={}), previous) == []


def test_an_alert_much_later_than_usual() -> None:
    found = compare(record(alerts={"WsHandshakesThrottled": 30.0}), history())
    assert metrics(found) == {"alert:WsHandshakesThrottled:latency_s": "slower"}
    assert found[0].message.startswith("alert WsHandshakesThrottled 30.0s, 275% slower")


def test_no_longer_detected_or_recovered() -> None:
    found = compare(record(detect_s=None, recover_s=None), history())
    assert metrics(found) == {"detect_s": "missing", "recover_s": "missing"}
    assert found[0].message.startswith("no symptom was detected (median time to detect")


def test_jobs_lost_beyond_the_median() -> None:
    assert metrics(compare(record(jobs_lost=3.0), history())) == {"jobs_lost": "more"}
    assert compare(record(jobs_lost=0.0), history()) == []
    assert compare(record(jobs_lost=None), history()) == []


def test_per_metric_tolerance_and_min_runs() -> None:
    lenient = Tolerance(per_metric={"detect": 2.0})
    assert compare(record(detect_s=12.0), history(detect_s=6.0), lenient) == []
    assert compare(record(alerts={}), history(n=2), Tolerance(min_runs=3)) == []
    assert compare(record(alerts={}), [], Tolerance()) == []  # a fresh clone: nothing to compare


def test_comparable_keeps_unattended_judged_runs_newest_first() -> None:
    runs = [
        record("new"),
        record("human", mode="interactive"),
        record("aborted", result="aborted"),
        record("not-steady", result="not-steady"),
        record("failed", result="failed"),
        record("self"),
    ]
    assert [r.run_id for r in comparable(runs, "self")] == ["new", "failed"]
    assert [r.run_id for r in comparable(runs, "self", limit=1)] == ["new"]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], Tolerance()),
        (["50%"], Tolerance(default=0.5)),
        (["0.25"], Tolerance(default=0.25)),
        (["detect=30%", "alerts=1"], Tolerance(per_metric={"detect": 0.3, "alerts": 1.0})),
        (["floor=2s", "min_runs=3"], Tolerance(floor_s=2.0, min_runs=3)),
        (["min-runs=2"], Tolerance(min_runs=2)),
    ],
)
def test_parse_tolerance(items: list[str], expected: Tolerance) -> None:
    assert parse_tolerance(items) == expected


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ("fast", "expected a percentage"),
        ("speed=10%", "unknown key 'speed'"),
        ("floor=5", "not a duration"),
        ("min_runs=0", "at least 1"),
        ("detect=-5%", "expected a percentage"),
    ],
)
def test_parse_tolerance_refuses(item: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        parse_tolerance([item])
