"""Symptom and recovery detection: pure functions and a small state machine, no I/O.

Baseline
  A robust centre and spread of the baseline samples: the median and the MAD scaled by 1.4826
  (so it estimates a standard deviation for normal noise). A flat baseline has spread 0; a
  baseline with no numeric sample at all is centre 0, spread 0, ``samples == 0`` (a counter
  that has never moved — the observer reports it so the engine can decide).

Rule semantics (``SymptomRule``; any condition breaking is a breach)
  above: value > above              below: value < below          (absolute, any direction)
  factor, direction up:   value >= centre * factor
  factor, direction down: value <= centre * factor if factor < 1, else value <= centre / factor
  delta,  direction up:   value >= centre + |delta|
  delta,  direction down: value <= centre - |delta|
  Relative conditions also require the value to leave the baseline's own noise
  (|value - centre| > 3 * spread); on a zero baseline any move in the rule's direction is one.

Detector (one per signal)
  Fed ``(at, value)`` in time order. Onset = the FIRST breaching sample of a run of breaching
  samples that lasts at least ``for`` (``first_breach_at``); ``confirmed_at`` is the sample that
  completed ``for``. Recovery, once symptomatic = the first normal sample of a run of normal
  samples lasting ``for``; normal means |value - centre| <= tolerance when the rule has one, else
  "the rule no longer breaks". ``None`` values (no data, source unavailable) neither extend nor
  break a run: they are skipped.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from drillctl.scenario.model import SymptomRule

MAD_SCALE = 1.4826
NOISE_SPREADS = 3.0


@dataclass(frozen=True)
class Baseline:
    centre: float
    spread: float
    samples: int


def compute_baseline(values: Iterable[float | None]) -> Baseline:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return Baseline(centre=0.0, spread=0.0, samples=0)
    centre = statistics.median(numbers)
    mad = statistics.median(abs(v - centre) for v in numbers)
    return Baseline(centre=float(centre), spread=float(mad * MAD_SCALE), samples=len(numbers))


def _outside_noise(value: float, baseline: Baseline, up: bool) -> bool:
    move = value - baseline.centre if up else baseline.centre - value
    return move > NOISE_SPREADS * baseline.spread and move > 0


def _factor_breaks(rule: SymptomRule, value: float, baseline: Baseline) -> bool:
    assert rule.factor is not None
    centre, up = baseline.centre, rule.direction == "up"
    if up:
        hit = value >= centre * rule.factor
    else:
        hit = value <= centre * (rule.factor if rule.factor < 1 else 1 / rule.factor)
    return hit and _outside_noise(value, baseline, up)


def _delta_breaks(rule: SymptomRule, value: float, baseline: Baseline) -> bool:
    assert rule.delta is not None
    up, step = rule.direction == "up", abs(rule.delta)
    hit = value >= baseline.centre + step if up else value <= baseline.centre - step
    return hit and _outside_noise(value, baseline, up)


def breaks(rule: SymptomRule, value: float, baseline: Baseline) -> bool:
    """Does this value break the rule, given the baseline?"""
    return (
        (rule.above is not None and value > rule.above)
        or (rule.below is not None and value < rule.below)
        or (rule.factor is not None and _factor_breaks(rule, value, baseline))
        or (rule.delta is not None and _delta_breaks(rule, value, baseline))
    )


def is_normal(rule: SymptomRule, value: float, baseline: Baseline) -> bool:
    """Back to normal: within tolerance of the centre, or (without tolerance) no longer breaking."""
    if rule.tolerance is not None:
        return abs(value - baseline.centre) <= rule.tolerance
    return not breaks(rule, value, baseline)


def describe_rule(rule: SymptomRule, baseline: Baseline | None = None) -> str:
    """The rule in words, with the thresholds it means for this baseline (for the journal)."""
    parts: list[str] = []
    if rule.above is not None:
        parts.append(f"> {rule.above:g}")
    if rule.below is not None:
        parts.append(f"< {rule.below:g}")
    sign = ">=" if rule.direction == "up" else "<="
    if rule.factor is not None:
        parts.append(f"{sign} baseline x{rule.factor:g}")
    if rule.delta is not None:
        parts.append(f"{sign} baseline {'+' if rule.direction == 'up' else '-'}{abs(rule.delta):g}")
    text = " or ".join(parts)
    if baseline is not None and (rule.factor is not None or rule.delta is not None):
        text += f" (baseline {baseline.centre:g} ± {baseline.spread:g})"
    if rule.for_:
        text += f" for {rule.for_.total_seconds():g}s"
    return text


@dataclass(frozen=True)
class Mark:
    """A confirmed transition: ``kind`` symptom or recovered."""

    kind: Literal["symptom", "recovered"]
    first_at: datetime  # first breaching (or first normal) sample of the confirming run
    confirmed_at: datetime
    value: float


class Detector:
    """Feeds one signal's samples through its rule; returns a Mark on each confirmed transition."""

    def __init__(self, rule: SymptomRule, baseline: Baseline) -> None:
        self.rule = rule
        self.baseline = baseline
        self.state: Literal["normal", "symptomatic"] = "normal"
        self.last_value: float | None = None
        self.marks: list[Mark] = []
        self._run_start: datetime | None = None

    @property
    def hold(self) -> timedelta:
        return self.rule.for_

    def feed(self, at: datetime, value: float | None) -> Mark | None:
        if value is None:
            return None
        self.last_value = value
        if self.state == "normal":
            leaving = breaks(self.rule, value, self.baseline)
        else:
            leaving = is_normal(self.rule, value, self.baseline)
        if not leaving:
            self._run_start = None
            return None
        if self._run_start is None:
            self._run_start = at
        if at - self._run_start < self.hold:
            return None
        return self._flip(at, value)

    def _flip(self, at: datetime, value: float) -> Mark:
        assert self._run_start is not None
        kind: Literal["symptom", "recovered"] = "symptom" if self.state == "normal" else "recovered"
        mark = Mark(kind=kind, first_at=self._run_start, confirmed_at=at, value=value)
        self.state = "symptomatic" if kind == "symptom" else "normal"
        self._run_start = None
        self.marks.append(mark)
        return mark

    @property
    def pending_since(self) -> datetime | None:
        """Start of a run not yet confirmed (a breach, or a return to normal, under way)."""
        return self._run_start
