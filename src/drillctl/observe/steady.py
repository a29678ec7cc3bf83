"""The baseline phase's verdict: one ``Baseline`` per signal, journalled, and whether the stack was
steady (``BaselineReport``), plus the detectors that watch each signal from then on.

A rule that cannot mean anything against the measured baseline (a factor of a zero centre,
``below`` a value the baseline never reached, a relative rule without data) is a scenario
problem on a primary signal: the run is refused before injection (exit 2, ``problems``). On a
secondary signal it is reported and the signal is skipped (``skipped``, and ``not_watched`` on
its ``baseline`` event): it is not watched, and the drill goes on, since secondary signals only
add to the picture (DESIGN.md: only primary signals judge steadiness, detection and recovery).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from drillctl.core.journal import Journal
from drillctl.observe.baseline import rule_problems
from drillctl.observe.detect import Baseline, Detector, compute_baseline, describe_rule
from drillctl.observe.marks import journal_baseline
from drillctl.scenario.model import Signal

Series = list[tuple[datetime, float | None]]


@dataclass(frozen=True)
class BaselineReport:
    baselines: dict[str, Baseline]
    not_steady: list[str]  # one line per primary signal whose rule broke during the baseline
    no_data: list[str]  # signals without enough numeric samples for a baseline (not measured)
    firing: list[str]  # alerts firing at the end of the baseline
    secondary: list[str] = field(default_factory=list)  # same as not_steady, non-primary signals
    # rules of primary signals that cannot mean anything against the measured baseline: a
    # scenario problem (exit 2)
    problems: list[str] = field(default_factory=list)
    # the same on secondary signals: reported, and the signal is not watched
    skipped: list[str] = field(default_factory=list)

    @property
    def steady(self) -> bool:
        return not self.not_steady


def judge_baselines(
    signals: Sequence[Signal], samples: dict[str, Series], journal: Journal
) -> tuple[BaselineReport, dict[str, Detector]]:
    """Each signal's baseline (journalled), the report, and a detector per watched signal."""
    report = BaselineReport({}, [], [], [])
    detectors: dict[str, Detector] = {}
    for signal in signals:
        baseline = compute_baseline(v for _, v in samples[signal.name])
        report.baselines[signal.name] = baseline
        problems = rule_problems(signal, baseline)
        skipped = not signal.primary and bool(problems)
        journal_baseline(journal, signal, baseline, _not_watched(problems) if skipped else None)
        if not baseline.measured:
            report.no_data.append(signal.name)
        (report.skipped if skipped else report.problems).extend(problems)
        if skipped:
            continue
        _replay(signal, baseline, samples[signal.name], report)
        detectors[signal.name] = Detector(signal.symptom, baseline)
    return report, detectors


def _not_watched(problems: list[str]) -> str:
    whys = [p.split(": ", 1)[-1] for p in problems]
    return "; ".join(whys) + "; not watched (a secondary signal)"


def _replay(signal: Signal, baseline: Baseline, series: Series, report: BaselineReport) -> None:
    """Did the rule break during the baseline itself? (without a baseline only absolute
    thresholds can break: detect.py)"""
    replay = Detector(signal.symptom, baseline)
    marks = [m for at, v in series if (m := replay.feed(at, v))]
    symptoms = [m for m in marks if m.kind == "symptom"]
    if symptoms:
        (report.not_steady if signal.primary else report.secondary).append(
            f"{signal.name}: {describe_rule(signal.symptom, baseline)} broke during "
            f"the baseline from {symptoms[0].first_at.isoformat()}"
        )
