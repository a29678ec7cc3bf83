"""Onset detection: a one-sided CUSUM (Page's test) on one signal, in its rule's direction.

Why a small CUSUM of our own rather than a library: the change-point libraries on the index
(``ruptures``, ``changefinder``) segment a whole recorded series offline and pull numpy/scipy into
the observer; the observer needs the streaming test, one sample at a time, which is five lines.

The test, in the signal's own units, for a rise (a drop mirrors it)::

    S = max(0, S + (x - centre) - k)        alarm when S > h and the last RUN samples all rose

``scale`` is the smallest move worth accumulating: the baseline's spread, but never less than a
tenth of the rule's own step (``rule_scale``: delta, centre x (factor - 1), or the distance to an
absolute threshold), so a flat baseline (spread 0) cannot make one stray sample an onset.
``k = 0.5 scale`` is the textbook drift allowance for a shift of about one scale; ``h = 3 scale``
is lower than the textbook 4-5 because two more guards stand behind it: the run of ``RUN`` samples
moving the rule's way (a lone spike is not an onset) and the value leaving the baseline's noise
(3 spreads); and an onset only times detection once the rule itself confirms the symptom.
One sample may speak without the run when it breaks the rule itself with the sum ``over`` h
(detect.py): that onset needs a second sample of evidence before it confirms a symptom.
The change point itself is the sample where S last left 0 (``started_at``). False alarms of this
tuning on the lab's undisturbed baselines: measured by bench/false_alarms.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drillctl.observe.baseline import Baseline
from drillctl.scenario.model import SymptomRule

K_SCALES = 0.5
H_SCALES = 3.0
RUN = 2  # consecutive samples moving the rule's way before an alarm
RULE_FRACTION = 0.1  # the scale is at least this share of the rule's own step


def rule_direction(rule: SymptomRule) -> str:
    """The way a symptom moves the signal: ``below`` alone is a drop, else the rule's direction."""
    if rule.factor is None and rule.delta is None:
        return "down" if rule.below is not None and rule.above is None else "up"
    return rule.direction


def rule_scale(rule: SymptomRule, baseline: Baseline) -> float:
    """The size of the move the rule calls a symptom (the smallest of its conditions)."""
    centre = baseline.centre
    steps = [
        abs(rule.delta) if rule.delta is not None else None,
        abs(centre * (rule.factor - 1)) if rule.factor is not None else None,
        abs(rule.above - centre) if rule.above is not None else None,
        abs(centre - rule.below) if rule.below is not None else None,
    ]
    return min((s for s in steps if s), default=0.0)


@dataclass
class Cusum:
    centre: float
    scale: float
    up: bool
    total: float = 0.0
    run: int = 0
    started_at: datetime | None = None

    @classmethod
    def for_rule(cls, rule: SymptomRule, baseline: Baseline) -> Cusum:
        scale = max(baseline.spread, RULE_FRACTION * rule_scale(rule, baseline), 1e-9)
        return cls(baseline.centre, scale, rule_direction(rule) == "up")

    def feed(self, at: datetime, value: float) -> bool:
        """Add one sample; True while the evidence says the signal has moved (an alarm)."""
        move = value - self.centre if self.up else self.centre - value
        self.run = self.run + 1 if move > K_SCALES * self.scale else 0
        if self.total == 0.0:
            self.started_at = at
        self.total = max(0.0, self.total + move - K_SCALES * self.scale)
        if self.total == 0.0:
            self.started_at = None
        return self.alarm

    @property
    def over(self) -> bool:
        """The sum is past its threshold (an alarm once ``RUN`` samples moved the same way)."""
        return self.total > H_SCALES * self.scale

    @property
    def alarm(self) -> bool:
        return self.over and self.run >= RUN

    def reset(self) -> None:
        self.total, self.run, self.started_at = 0.0, 0, None
