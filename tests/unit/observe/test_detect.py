from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drillctl.observe.detect import (
    Baseline,
    Detector,
    breaks,
    compute_baseline,
    describe_rule,
    is_normal,
)
from drillctl.scenario.model import SymptomRule

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def rule(**kw: object) -> SymptomRule:
    return SymptomRule.model_validate(kw)


def test_baseline_is_median_and_scaled_mad() -> None:
    b = compute_baseline([1, 2, 3, 4, 100])
    assert b.centre == 3
    assert b.spread == pytest.approx(1.4826)
    assert b.samples == 5


def test_baseline_ignores_missing_samples_and_handles_none_at_all() -> None:
    assert compute_baseline([None, 5, None, 5, 5, 5, 5]) == Baseline(5.0, 0.0, 5, 5, 5, missing=2)
    assert compute_baseline([None, None]) == Baseline(0.0, 0.0, 0, missing=2)


def test_absolute_rules_ignore_the_baseline() -> None:
    b = Baseline(1000, 0, 10)
    assert breaks(rule(above=5), 6, b)
    assert not breaks(rule(above=5), 5, b)
    assert breaks(rule(below=1), 0.5, b)


def test_factor_up_and_down() -> None:
    b = Baseline(10, 1, 30)
    assert breaks(rule(factor=3), 30, b)
    assert not breaks(rule(factor=3), 29, b)
    assert breaks(rule(factor=0.5, direction="down"), 5, b)
    assert breaks(rule(factor=2, direction="down"), 5, b)
    assert not breaks(rule(factor=2, direction="down"), 6, b)


def test_factor_must_also_leave_the_baseline_noise() -> None:
    noisy = Baseline(10, 8, 30)  # x3 = 30 but noise band is 10 + 24
    assert not breaks(rule(factor=3), 31, noisy)
    assert breaks(rule(factor=3), 35, noisy)


def test_flat_zero_baseline_any_move_in_the_rule_direction_breaks() -> None:
    zero = Baseline(0, 0, 30)
    assert breaks(rule(factor=2), 0.1, zero)
    assert not breaks(rule(factor=2), 0, zero)
    assert not breaks(rule(factor=2, direction="down"), 0, zero)


def test_delta_uses_magnitude_in_the_rule_direction() -> None:
    b = Baseline(100, 0, 30)
    assert breaks(rule(delta=50), 150, b)
    assert not breaks(rule(delta=50), 149, b)
    assert breaks(rule(delta=50, direction="down"), 50, b)
    assert breaks(rule(delta=-50, direction="down"), 50, b)


def test_tolerance_defines_normal_when_given() -> None:
    b = Baseline(10, 0, 30)
    r = rule(factor=3, tolerance=2)
    assert is_normal(r, 12, b)
    assert not is_normal(r, 13, b)  # no longer breaks x3, but not back within tolerance
    assert is_normal(rule(factor=3), 13, b)


def test_tolerance_is_one_sided_in_the_symptoms_direction() -> None:
    # a baseline taken during a backlog (82 waiting): draining to 0 is back to normal, not "82 off"
    backlog = Baseline(82, 20.8, 10)
    queue = rule(delta=20, tolerance=5)
    assert is_normal(queue, 0, backlog)
    assert is_normal(queue, 87, backlog)
    assert not is_normal(queue, 88, backlog)
    # a rate that drops: overshooting above its baseline while a backlog drains is normal
    rate = rule(factor=0.2, direction="down", tolerance=1)
    assert is_normal(rate, 30, Baseline(10, 0, 10))
    assert not is_normal(rate, 8.9, Baseline(10, 0, 10))
    # `below` alone is a drop, so its tolerance bounds the value from below
    assert not is_normal(rule(below=1, tolerance=0.5), 0.4, Baseline(1, 0, 10))
    assert is_normal(rule(below=1, tolerance=0.5), 0.5, Baseline(1, 0, 10))


def test_onset_is_the_first_breaching_sample_that_keeps_breaking_for_the_hold() -> None:
    # a noisy baseline (spread 10): the change-point test needs more than this to speak, so the
    # rule's own hold confirms
    d = Detector(rule(above=10, **{"for": "3s"}), Baseline(0, 10, 10))
    feed = [(0, 1), (1, 20), (2, 5), (3, 20), (4, 21), (5, 22), (6, 23)]  # blip at 1, run from 3
    marks = [d.feed(at(s), v) for s, v in feed]
    assert marks[:6] == [None] * 6
    mark = marks[6]
    assert mark is not None and mark.kind == "symptom"
    assert (mark.first_at, mark.confirmed_at, mark.value) == (at(3), at(6), 23)
    assert (mark.detected_at, mark.evidence) == (at(6), "rule")
    assert d.state == "symptomatic"


def test_zero_hold_confirms_on_the_first_breach() -> None:
    d = Detector(rule(above=10), Baseline(0, 0, 10))
    mark = d.feed(at(7), 11)
    assert mark is not None and mark.first_at == mark.confirmed_at == at(7)


def test_recovery_needs_the_hold_within_tolerance() -> None:
    d = Detector(rule(factor=3, tolerance=1, **{"for": "2s"}), Baseline(10, 0, 10))
    first = d.feed(at(0), 40)
    assert first is not None and first.kind == "onset"  # the first sample that breaks speaks
    symptom = d.feed(at(1), 40)
    assert symptom is not None and symptom.kind == "symptom"
    assert d.feed(at(3), 10.5) is None
    assert d.feed(at(4), 15) is None  # not within tolerance: restarts the run
    assert d.feed(at(5), 10) is None
    assert d.feed(at(6), 10.2) is None
    mark = d.feed(at(7), 9.8)
    assert mark is not None and mark.kind == "recovered"
    assert (mark.first_at, mark.confirmed_at) == (at(5), at(7))
    assert d.state == "normal"


def test_missing_values_neither_break_nor_confirm_when_the_baseline_had_gaps() -> None:
    d = Detector(rule(above=10, **{"for": "2s"}), Baseline(0, 10, 10, missing=3))
    assert d.feed(at(0), 11) is None
    assert d.feed(at(1), None) is None
    assert d.feed(at(2), None) is None
    mark = d.feed(at(3), 12)
    assert mark is not None and mark.first_at == at(0)


def test_describe_rule_gives_thresholds() -> None:
    text = describe_rule(rule(factor=3, above=50, **{"for": "5s"}), Baseline(2, 0.5, 30))
    assert text == "> 50 or >= baseline x3 (baseline 2 ± 0.5) for 5s"
