"""Regression tracking: a new run against the median of the previous runs of its scenario.

``compare(current, previous, tolerance)`` is a pure function of history records (``RunRecord``
from report/history.py). It flags, for the same scenario on the same target:

- a duration (time to detect, time to recover, each alert's latency) slower than the median of
  the previous runs by more than the relative tolerance AND by at least ``floor_s`` seconds (at a
  one-second poll, 2 s against a 1 s median is noise, not a regression);
- something that used to happen and did not: a symptom detected, a recovery, an alert that fired
  in most previous runs (more than half of them) and not in this one;
- more jobs lost than the median by more than the tolerance and by at least one job.

Nothing is flagged while fewer than ``min_runs`` previous runs exist (a fresh CI clone whose
history was not restored compares with nothing). ``comparable`` picks the previous runs worth
comparing with: unattended drills that injected and were judged (passed or failed), newest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from drillctl.core.durations import parse_duration
from drillctl.core.errors import ConfigError
from drillctl.report.history import RunRecord, baseline_of

JUDGED = ("passed", "failed")
METRICS = {"detect": "detect_s", "recover": "recover_s"}
TOLERANCE_KEYS = ("detect", "recover", "alerts", "jobs_lost")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


class Tolerance(BaseModel):
    """How much worse than the median counts as a regression (0.5 = 50 % slower)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Annotated[float, Field(ge=0)] = 0.5
    per_metric: dict[str, float] = {}  # detect, recover, alerts, jobs_lost
    floor_s: Annotated[float, Field(ge=0)] = 5.0
    min_runs: Annotated[int, Field(ge=1)] = 1

    def relative(self, key: str) -> float:
        return self.per_metric.get(key, self.default)


class Regression(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    metric: str  # detect_s | recover_s | alert:<name> | alert:<name>:latency_s | jobs_lost
    kind: Literal["slower", "missing", "more"]
    current: float | None = None
    median: float | None = None
    runs: int  # previous runs compared with
    message: str


def comparable(records: Iterable[RunRecord], run_id: str, limit: int = 10) -> list[RunRecord]:
    """Previous unattended, judged runs (not ``run_id``), newest first, at most ``limit``."""
    kept = [
        r
        for r in records
        if r.run_id != run_id and r.result in JUDGED and r.mode in (None, "unattended")
    ]
    return kept[:limit]


def compare(
    current: RunRecord, previous: Sequence[RunRecord], tolerance: Tolerance | None = None
) -> list[Regression]:
    """Every regression of ``current`` against the medians of ``previous``."""
    tolerance = tolerance or Tolerance()
    if len(previous) < tolerance.min_runs:
        return []
    found = [
        *_durations(current, previous, tolerance),
        *_alerts(current, previous, tolerance),
        *_jobs_lost(current, previous, tolerance),
    ]
    return found


def _durations(
    current: RunRecord, previous: Sequence[RunRecord], tol: Tolerance
) -> list[Regression]:
    found = []
    medians = baseline_of(previous).durations
    for key, field in METRICS.items():
        present = sum(1 for r in previous if getattr(r, field) is not None)
        regression = _timing(
            current.scenario,
            field,
            getattr(current, field),
            medians.get(field),
            present,
            len(previous),
            tol.relative(key),
            tol.floor_s,
        )
        if regression is not None:
            found.append(regression)
    return found


def _alerts(current: RunRecord, previous: Sequence[RunRecord], tol: Tolerance) -> list[Regression]:
    found = []
    now = {a.name: a.latency_s for a in current.alerts_fired}
    for name, stats in baseline_of(previous).alerts.items():
        if stats.fired * 2 <= stats.runs:
            continue  # fired in half the runs or fewer: not something this scenario relies on
        if name not in now:
            found.append(
                _missing(
                    current.scenario,
                    f"alert:{name}",
                    stats.median_latency_s,
                    stats.runs,
                    f"alert {name} fired in {stats.fired} of {stats.runs} previous runs, "
                    "not in this one",
                )
            )
            continue
        slower = _timing(
            current.scenario,
            f"alert:{name}:latency_s",
            now[name],
            stats.median_latency_s,
            stats.fired,
            stats.runs,
            tol.relative("alerts"),
            tol.floor_s,
            what=f"alert {name}",
        )
        if slower is not None:
            found.append(slower)
    return found


def _jobs_lost(
    current: RunRecord, previous: Sequence[RunRecord], tol: Tolerance
) -> list[Regression]:
    median = baseline_of(previous).jobs_lost
    if current.jobs_lost is None:
        return []
    before = median or 0.0
    limit = before * (1 + tol.relative("jobs_lost"))
    if current.jobs_lost <= limit or current.jobs_lost - before < 1:
        return []
    return [
        Regression(
            scenario=current.scenario,
            metric="jobs_lost",
            kind="more",
            current=current.jobs_lost,
            median=median,
            runs=len(previous),
            message=f"{current.jobs_lost:g} jobs lost, median of {len(previous)} previous "
            f"run(s) {before:g}",
        )
    ]


_WORDS = {"detect_s": "time to detect", "recover_s": "time to recover"}
_NEVER = {"detect_s": "no symptom was detected", "recover_s": "the stack did not recover"}


def _timing(
    scenario: str,
    metric: str,
    value: float | None,
    median: float | None,
    present: int,
    runs: int,
    relative: float,
    floor_s: float,
    *,
    what: str | None = None,
) -> Regression | None:
    if median is None or present * 2 <= runs:
        return None  # it did not happen in most previous runs: nothing to regress from
    label = what or _WORDS.get(metric, metric)
    if value is None:
        never = _NEVER.get(metric, f"{label} never happened")
        return _missing(
            scenario,
            metric,
            median,
            runs,
            f"{never} (median {label} of {runs} previous run(s): {median:.1f}s)",
        )
    if value <= median * (1 + relative) or value - median < floor_s:
        return None
    slower = (value / median - 1) * 100 if median > 0 else float("inf")
    return Regression(
        scenario=scenario,
        metric=metric,
        kind="slower",
        current=value,
        median=median,
        runs=runs,
        message=f"{label} {value:.1f}s, {_pct(slower)} slower than the median of {runs} "
        f"previous run(s) ({median:.1f}s; tolerance {relative * 100:g}%)",
    )


def _missing(scenario: str, metric: str, median: float | None, runs: int, msg: str) -> Regression:
    return Regression(
        scenario=scenario, metric=metric, kind="missing", median=median, runs=runs, message=msg
    )


def _pct(value: float) -> str:
    return "infinitely" if value == float("inf") else f"{value:.0f}%"


# --- --tolerance on the command line ----------------------------------------------------------


def parse_tolerance(items: Iterable[str]) -> Tolerance:
    """``50%`` or ``0.5`` (every metric), ``detect=30%``, ``alerts=100%``, ``floor=5s``,
    ``min_runs=3``; later items win. Anything else is a ConfigError (exit 2)."""
    values: dict[str, object] = {}
    per_metric: dict[str, float] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            values["default"] = _fraction(item, item)
        elif key in TOLERANCE_KEYS:
            per_metric[key] = _fraction(text, item)
        elif key == "floor":
            values["floor_s"] = _seconds(text, item)
        elif key == "min_runs":
            values["min_runs"] = _count(text, item)
        else:
            known = ", ".join([*TOLERANCE_KEYS, "floor", "min_runs"])
            raise ConfigError(f"--tolerance {item!r}: unknown key {key!r} (known: {known})")
    return Tolerance.model_validate({**values, "per_metric": per_metric})


def _fraction(text: str, item: str) -> float:
    match = _PERCENT.match(text)
    if not match:
        raise ConfigError(f"--tolerance {item!r}: expected a percentage such as 50% or 0.5")
    number = float(match.group(1))
    return number / 100 if match.group(2) else number


def _seconds(text: str, item: str) -> float:
    try:
        return parse_duration(text.strip()).total_seconds()
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"--tolerance {item!r}: {exc}") from exc


def _count(text: str, item: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ConfigError(f"--tolerance {item!r}: expected a whole number of runs, at least 1")
    return int(text)
