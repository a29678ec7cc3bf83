"""False symptoms of the observer's detectors on undisturbed windows of the lab (issue #16).

Records the four seed scenarios' Prometheus signals over a period when nothing was injected
(the lab up with smoke traffic), at a 1 s step: ``query_range`` evaluates each point exactly as
the observer's instant query would have at that moment, and a point without data is "no data".
The record is cut into non-overlapping windows of ``--baseline`` + ``--watch`` seconds; in each,
the baseline is measured on the first part and a fresh ``Detector`` (rule + change-point test +
absence) watches the rest. Every onset or symptom it marks is false: nothing happened.

    .venv/bin/python bench/false_alarms.py --prometheus http://127.0.0.1:19090 \
        [--minutes 30] [--baseline 30] [--watch 60] [--end 2026-12-07T15:00:00Z] [--save FILE]

Undisturbed means: no drill ran (``--runs-dir``: windows overlapping a journal's run.started →
run.ended, plus ``SETTLE_S`` after it, are skipped) and every scrape target was up with smoke
traffic flowing (``UP`` is recorded too; a window where it was not 1 throughout is skipped and
counted as disturbed). A single missed scrape is not an outage: a busy host misses a 1 s scrape
now and then, so a target counts as down after 3 s without an answer.

The host is shared: when other work starves it of CPU, the lab's own latency rises for real
and a latency rule marks it. ``STARVED`` records the slowest scrape of the lab's app targets
(their /metrics is served from memory, so its time measures the host's CPU, not the app's
dependencies); windows where it exceeded ``STARVED_S`` are watched all the same and their marks
are printed apart, so the total says what the detectors did on a starved host and on a calm one.

Prints, per scenario and signal: windows, onsets, symptoms, windows refused before injection
(a rule meaningless against that baseline) and windows not steady; then the totals. With
``--load FILE`` it replays a saved record instead of asking Prometheus. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from drillctl.observe.baseline import rule_problems
from drillctl.observe.detect import Detector, compute_baseline
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.model import ScenarioBase, Signal

SETTLE_S = 60  # after a drill ends, the rate() windows and the queue still carry it
# 1 while every scrape target the signals read is up and smoke traffic flows (the smoke job's own
# scrape is left out: losing it does not change the stack)
UP = (
    'min(max_over_time(up{job!="smoke"}[3s]))'
    ' * (sum(rate(http_requests_total{route="/api/games"}[10s])) > bool 1)'
)
STARVED = 'max(max_over_time(scrape_duration_seconds{job=~"ebit-api|ebit-game|ebit-exporter"}[2s]))'
STARVED_S = 0.5
SEEDS = ["bullmq-backpressure", "redis-cache-flush", "signin-failure-spike", "ws-handshake-storm"]
Points = list[float | None]


def record(prometheus: str, query: str, start: datetime, seconds: int) -> Points:
    """One value per second from ``start`` (None where the query had no data)."""
    params = {
        "query": query,
        "start": f"{start.timestamp():.3f}",
        "end": f"{(start + timedelta(seconds=seconds - 1)).timestamp():.3f}",
        "step": "1",
    }
    body = httpx.get(f"{prometheus}/api/v1/query_range", params=params, timeout=60).json()
    grid: Points = [None] * seconds
    for series in body["data"]["result"]:
        for at, text in series["values"]:
            index = round(float(at) - start.timestamp())
            value = float(text)
            if 0 <= index < seconds and value == value and abs(value) != float("inf"):
                grid[index] = (grid[index] or 0.0) + value  # the observer sums the vector
    return grid


def judge(signal: Signal, points: Points, baseline_s: int, t0: datetime) -> Counter[str]:
    """Marks of one window: onsets and symptoms after the baseline, or why it never started."""
    stamps = [t0 + timedelta(seconds=i) for i in range(len(points))]
    baseline = compute_baseline(points[:baseline_s])
    if rule_problems(signal, baseline):
        return Counter(refused=1)
    replay = Detector(signal.symptom, baseline)
    if any(
        m.kind == "symptom"
        for at, v in zip(stamps[:baseline_s], points[:baseline_s], strict=True)
        if (m := replay.feed(at, v))
    ):
        return Counter(not_steady=1)
    detector = Detector(signal.symptom, baseline)
    marks = [
        m
        for at, v in zip(stamps[baseline_s:], points[baseline_s:], strict=True)
        if (m := detector.feed(at, v))
    ]
    return Counter(watched=1, **Counter(m.kind for m in marks))


def scenarios() -> list[ScenarioBase]:
    catalog = Catalog(None)
    return [catalog.load(name).scenario for name in SEEDS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prometheus", default="http://127.0.0.1:19090")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--baseline", type=int, default=30)
    parser.add_argument("--watch", type=int, default=60)
    parser.add_argument("--end", help="ISO 8601 end of the period (default: now)")
    parser.add_argument("--save", type=Path, help="write the record here (JSON)")
    parser.add_argument("--load", type=Path, help="replay a saved record instead")
    parser.add_argument(
        "--runs-dir", type=Path, nargs="*", default=[], help="skip windows when these drills ran"
    )
    args = parser.parse_args()
    seconds = int(args.minutes * 60)
    if args.load:
        saved = json.loads(args.load.read_text(encoding="utf-8"))
        start, series = datetime.fromisoformat(saved["start"]), saved["series"]
    else:
        end = datetime.fromisoformat(args.end) if args.end else datetime.now(UTC)
        start = end - timedelta(seconds=seconds)
        series = {
            f"{s.name}/{sig.name}": record(args.prometheus, sig.query, start, seconds)
            for s in scenarios()
            for sig in s.signals
            if sig.source == "prometheus"
        }
        series[UP] = record(args.prometheus, UP, start, seconds)
        series[STARVED] = record(args.prometheus, STARVED, start, seconds)
    if args.save:
        args.save.write_text(json.dumps({"start": start.isoformat(), "series": series}))
    busy = [span for folder in args.runs_dir for span in drills(folder)]
    report(series, start, args.baseline, args.watch, busy)


def drills(runs_dir: Path) -> list[tuple[datetime, datetime]]:
    """[start, end + SETTLE_S] of every drill journalled under ``runs_dir``."""
    spans = []
    for journal in runs_dir.glob("**/journal.jsonl"):
        stamps = [json.loads(line)["ts"] for line in journal.read_text().splitlines() if line]
        if not stamps:
            continue
        first, last = (
            datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (stamps[0], stamps[-1])
        )
        spans.append((first, last + timedelta(seconds=SETTLE_S)))
    return spans


def quiet_windows(
    series: dict[str, Any], start: datetime, width: int, busy: list[tuple[datetime, datetime]]
) -> tuple[list[int], int]:
    """Offsets of the undisturbed windows, and how many were skipped as disturbed."""
    quiet, disturbed = [], 0
    up = series.get(UP)
    for first in range(0, len(next(iter(series.values()))) - width + 1, width):
        t0, t1 = start + timedelta(seconds=first), start + timedelta(seconds=first + width)
        overlaps = any(a < t1 and t0 < b for a, b in busy)
        targets_down = up is not None and any(v != 1 for v in up[first : first + width])
        if overlaps or targets_down:
            disturbed += 1
        else:
            quiet.append(first)
    return quiet, disturbed


def report(
    series: dict[str, Any],
    start: datetime,
    baseline_s: int,
    watch_s: int,
    busy: list[tuple[datetime, datetime]],
) -> None:
    width = baseline_s + watch_s
    signals = {f"{s.name}/{sig.name}": sig for s in scenarios() for sig in s.signals}
    total: Counter[str] = Counter()
    quiet, disturbed = quiet_windows(series, start, width, busy)
    print(
        f"{len(quiet)} undisturbed windows of {baseline_s} s baseline + {watch_s} s watched "
        f"from {start.isoformat()} ({disturbed} skipped: a drill ran or a target was down)"
    )
    calm = [f for f in quiet if not starved(series, f, width)]
    for key, points in series.items():
        if key in (UP, STARVED):
            continue
        counts: Counter[str] = Counter()
        for first in quiet:
            t0 = start + timedelta(seconds=first)
            judged = judge(signals[key], points[first : first + width], baseline_s, t0)
            counts += judged + (Counter() if first in calm else _starved(judged))
        total += counts
        print(
            f"  {key:48} watched {counts['watched']:3}  onsets {counts['onset']:2}  "
            f"symptoms {counts['symptom']:2} (on a starved host {counts['starved symptom']:2})  "
            f"refused {counts['refused']:2}  not steady {counts['not_steady']:2}"
        )
    print(
        f"total: {total['watched']} signal-windows watched, false onsets {total['onset']}, "
        f"false symptoms {total['symptom']} ({total['starved symptom']} of them in the "
        f"{len(quiet) - len(calm)} windows where the host was starved: a scrape over "
        f"{STARVED_S:g} s); refused {total['refused']}, not steady {total['not_steady']}"
    )


def starved(series: dict[str, Any], first: int, width: int) -> bool:
    slowest = [v for v in series.get(STARVED, [])[first : first + width] if v is not None]
    return bool(slowest) and max(slowest) > STARVED_S


def _starved(judged: Counter[str]) -> Counter[str]:
    return Counter({"starved symptom": judged["symptom"]})


if __name__ == "__main__":
    sys.exit(main())
