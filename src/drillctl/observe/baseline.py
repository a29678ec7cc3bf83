"""Baselines that say what they know: centre, spread, and whether there was enough data at all.

Centre and spread
  The median and the MAD scaled by 1.4826 (an estimate of the standard deviation for normal
  noise). The spread is floored at the signal's resolution — the smallest step between two
  distinct baseline values — so a flat baseline with a few real spikes (``0 0 0 3 0 0``) reads
  ``0 ± 3``, not ``0 ± 0``. A baseline whose samples are all equal keeps spread 0: it was flat.

No data
  Fewer than ``MIN_SAMPLES`` numeric samples is no baseline (``measured`` is False): it cannot
  judge steadiness, and rules relative to it (factor, delta) cannot mark a symptom. Absolute
  thresholds (above/below) still can: they do not depend on the baseline.

Meaningless rules
  ``rule_problems`` names the conditions that cannot mean anything against a measured baseline —
  a factor of a zero centre (every value, or none, is "x3 of 0"), ``below`` a value the baseline
  never reached — and a primary signal that has no baseline and no absolute condition. The engine
  refuses such a scenario before injection (exit 2): it is a scenario problem, not a symptom.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from drillctl.scenario.model import Signal, SymptomRule

MAD_SCALE = 1.4826
MIN_SAMPLES = 5  # at 1 s polling, five seconds of data: less is not a baseline


@dataclass(frozen=True)
class Baseline:
    centre: float
    spread: float
    samples: int
    low: float | None = None  # smallest and largest baseline sample (None without data)
    high: float | None = None
    missing: int = 0  # polls the source answered without data (the series was absent)

    @property
    def measured(self) -> bool:
        return self.samples >= MIN_SAMPLES


def resolution(numbers: Iterable[float]) -> float:
    """The smallest positive step between distinct values (0 when they are all equal)."""
    distinct = sorted(set(numbers))
    return min((b - a for a, b in itertools.pairwise(distinct)), default=0.0)


def compute_baseline(values: Iterable[float | None]) -> Baseline:
    polled = list(values)
    numbers = [float(v) for v in polled if v is not None]
    missing = len(polled) - len(numbers)
    if not numbers:
        return Baseline(centre=0.0, spread=0.0, samples=0, missing=missing)
    centre = statistics.median(numbers)
    mad = statistics.median(abs(v - centre) for v in numbers) * MAD_SCALE
    spread = max(mad, resolution(numbers))
    return Baseline(centre, spread, len(numbers), min(numbers), max(numbers), missing)


def no_data_words(baseline: Baseline) -> str:
    return (
        f"no data during the baseline ({baseline.samples} numeric samples, {MIN_SAMPLES} needed):"
        " only absolute thresholds can judge steadiness or mark a symptom"
    )


def rule_problems(signal: Signal, baseline: Baseline) -> list[str]:
    """Why this signal's rule cannot mean anything against this baseline ([] = it can)."""
    rule = signal.symptom
    if not baseline.measured:
        if signal.primary and rule.above is None and rule.below is None:
            return [f"signal {signal.name}: {no_data_words(baseline)}; its rule is relative only"]
        return []
    return [f"signal {signal.name}: {why}" for why in _meaningless(rule, baseline)]


def _meaningless(rule: SymptomRule, baseline: Baseline) -> list[str]:
    why: list[str] = []
    if rule.factor is not None and baseline.centre == 0:
        why.append(
            f"factor x{rule.factor:g} of a zero baseline centre is 0: the rule cannot tell a "
            "symptom from normal (use delta or an absolute threshold)"
        )
    if rule.below is not None and baseline.high is not None and baseline.high < rule.below:
        why.append(
            f"below {rule.below:g} is always true: the baseline never reached it "
            f"(highest baseline value {baseline.high:g}; if the signal is down already, "
            "bring it back first)"
        )
    return why
