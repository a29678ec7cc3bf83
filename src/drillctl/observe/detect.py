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
  Fed ``(at, value)`` in time order. Three kinds of mark:
  - ``onset``: the change-point test (observe/changepoint.py) says the signal has moved the
    rule's way, or one sample breaks the rule outside the baseline's noise with the test's sum
    past its threshold (the first sample that breaks, not the second); journalled live,
    withdrawn silently when the signal settles back (the test's sum back to 0, or a sample back
    inside the noise) before a symptom.
  - ``symptom``: the rule breaks and either kept breaking for ``for`` or an onset backed by
    ``RUN`` samples of evidence supports it (evidence replaces the hold, a lone sample never
    does). ``first_at`` = the first breaching sample of the run,
    ``confirmed_at`` = the sample that confirmed it, ``detected_at`` = the earliest moment the
    evidence supported it (the onset's alarm, or the confirmation): THE detect mark every report
    times detection with.
  - ``recovered``: once symptomatic, the first normal sample of a run of normal samples lasting
    ``for``; normal means the value is no worse than the centre by more than ``tolerance`` in the
    symptom's direction (value <= centre + tolerance for an upward symptom) when the rule has
    one, else "the rule no longer breaks".
  No data: ``None`` (the source answered, the series is absent) is skipped, except for a signal
  that had data in every baseline sample: there absence is evidence its producer is gone — it
  breaches like a broken rule (two absent polls in a row are an onset) and is not normal.
  A baseline without data (``Baseline.measured`` False) lets only absolute thresholds break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from drillctl.observe.baseline import Baseline, compute_baseline
from drillctl.observe.changepoint import RUN, Cusum, rule_direction
from drillctl.scenario.model import SymptomRule

__all__ = ["Baseline", "Detector", "Mark", "breaks", "compute_baseline", "describe_rule"]

NOISE_SPREADS = 3.0


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
    relative = baseline.measured  # no baseline: relative conditions cannot mean anything
    return (
        (rule.above is not None and value > rule.above)
        or (rule.below is not None and value < rule.below)
        or (relative and rule.factor is not None and _factor_breaks(rule, value, baseline))
        or (relative and rule.delta is not None and _delta_breaks(rule, value, baseline))
    )


def is_normal(rule: SymptomRule, value: float, baseline: Baseline) -> bool:
    """Back to normal: no worse than the centre by more than the tolerance, in the symptom's
    direction, or (without tolerance) no longer breaking. One-sided on purpose: a queue that
    drains below a baseline that was itself a backlog, or a credit rate that overshoots while a
    backlog drains, has recovered from the symptom."""
    if rule.tolerance is not None:
        up = rule_direction(rule) == "up"
        worse_by = value - baseline.centre if up else baseline.centre - value
        return worse_by <= rule.tolerance
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
        text += (
            f" (baseline {baseline.centre:.3g} ± {baseline.spread:.3g})"
            if baseline.measured
            else " (no data during the baseline)"
        )
    if rule.for_:
        text += f" for {rule.for_.total_seconds():g}s"
    return text


@dataclass(frozen=True)
class Mark:
    """A transition: ``kind`` onset (live evidence of a change), symptom or recovered."""

    kind: Literal["onset", "symptom", "recovered"]
    first_at: datetime  # first breaching (or first normal) sample of the run; onset: change point
    confirmed_at: datetime
    value: float | None  # None: the series was absent (no data)
    detected_at: datetime | None = None  # symptom: the detect mark (see the module doc)
    evidence: str = "rule"  # rule | change-point | no data


class Detector:
    """Feeds one signal's samples through its rule and the change-point test; returns a Mark on
    each transition (see the module doc)."""

    def __init__(self, rule: SymptomRule, baseline: Baseline) -> None:
        self.rule = rule
        self.baseline = baseline
        self.state: Literal["normal", "symptomatic"] = "normal"
        self.last_value: float | None = None
        self.marks: list[Mark] = []
        self.onset_at: datetime | None = None  # an onset alarm not yet withdrawn
        self._support = 0  # samples of evidence behind the standing onset
        self.absent = 0  # consecutive polls without data
        self._run_start: datetime | None = None
        self._up = rule_direction(rule) == "up"
        self._cusum = Cusum.for_rule(rule, baseline) if baseline.measured else None
        self._absence_counts = baseline.measured and baseline.missing == 0

    @property
    def hold(self) -> timedelta:
        return self.rule.for_

    def feed(self, at: datetime, value: float | None) -> Mark | None:
        if value is None:
            return self._feed_absent(at)
        self.absent = 0
        self.last_value = value
        if self.state == "symptomatic":
            return self._step(at, value, is_normal(self.rule, value, self.baseline))
        onset = self._watch_onset(at, value)
        mark = self._step(at, value, breaks(self.rule, value, self.baseline))
        return mark or onset

    def _feed_absent(self, at: datetime) -> Mark | None:
        if not self._absence_counts:
            return None  # a series that was absent before: absence says nothing
        self.absent += 1
        if self.state == "symptomatic":
            self._run_start = None  # still gone: not a return to normal
            return None
        onset = None
        if self.absent >= RUN and self.onset_at is None:
            self.onset_at, self._support = at, self.absent
            onset = Mark("onset", at, at, None, evidence="no data")
        return self._step(at, None, True) or onset

    def _watch_onset(self, at: datetime, value: float) -> Mark | None:
        if self._cusum is None:
            return None
        outside = _outside_noise(value, self.baseline, self._up)
        alarm = self._cusum.feed(at, value) and outside
        # one sample is enough to speak when it breaks the rule itself (not enough to confirm)
        single = outside and self._cusum.over and breaks(self.rule, value, self.baseline)
        if self._cusum.total == 0.0 or (self.onset_at is not None and not outside):
            self._withdraw()  # the signal settled back: the onset is withdrawn
            return None
        if self.onset_at is not None:
            self._support += 1
            return None
        if not (alarm or single):
            return None
        self.onset_at, self._support = at, RUN if alarm else 1
        return Mark("onset", self._cusum.started_at or at, at, value, evidence="change-point")

    def _withdraw(self) -> None:
        if self.onset_at is not None and self._cusum is not None:
            self._cusum.reset()  # a withdrawn onset starts the test afresh
        self.onset_at, self._support = None, 0

    def _step(self, at: datetime, value: float | None, leaving: bool) -> Mark | None:
        """Extend or end the run of samples leaving the current state; flip when confirmed."""
        if not leaving:
            self._run_start = None
            return None
        if self._run_start is None:
            self._run_start = at
        supported = self.state == "normal" and self.onset_at is not None and self._support >= RUN
        if at - self._run_start < self.hold and not supported:
            return None
        return self._flip(at, value)

    def _flip(self, at: datetime, value: float | None) -> Mark:
        assert self._run_start is not None
        if self.state == "normal":
            detected = self.onset_at or at
            mark = Mark("symptom", self._run_start, at, value, detected, self._why(value))
            self.state = "symptomatic"
        else:
            mark = Mark("recovered", self._run_start, at, value)
            self.state = "normal"
        self._run_start, self.onset_at, self._support = None, None, 0
        if self._cusum is not None:
            self._cusum.reset()
        self.marks.append(mark)
        return mark

    def _why(self, value: float | None) -> str:
        if value is None:
            return "no data"
        return "change-point" if self.onset_at is not None else "rule"

    @property
    def pending_since(self) -> datetime | None:
        """Start of a run not yet confirmed (a breach, or a return to normal, under way)."""
        return self._run_start
