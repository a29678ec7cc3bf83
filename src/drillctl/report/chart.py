"""The chart (``chart.png``): the main signals over the drill window, with phase markers.

One panel per signal (those that turned symptomatic first, at most four), the baseline as a
dashed line, and vertical markers at inject, the moment the fault took effect, the symptom of
that panel's signal (its detect mark: where it broke), first revert (none for an instant fault:
nothing to revert) and recovered. A poll that
found no data (the series was absent: its producer gone) is a gap in the line, shaded and
labelled "no data", never a straight line drawn across it. Rendered with
matplotlib's Agg canvas directly (no pyplot, so no global backend state and no display needed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure

from drillctl.core.events import JournalEvent, Sample, of_type
from drillctl.report import figures
from drillctl.report.model import DrillSummary, SignalSummary
from drillctl.report.slack import header_text

MAX_PANELS = 4
Series = dict[str, list[tuple[datetime, float | None]]]  # None: the poll found no data
_MARKERS = (
    ("injected", "inject", "tab:red"),
    ("effective", "took effect", "tab:purple"),
    ("symptom", "symptom", "tab:orange"),
    ("first_revert", "revert", "tab:blue"),
    ("recovered", "recovered", "tab:green"),
)


def signal_series(events: Iterable[JournalEvent]) -> Series:
    series: Series = {}
    for sample in of_type(events, Sample):
        if sample.signal:
            at = figures.instant(sample.at, sample.ts)
            series.setdefault(sample.signal, []).append((at, sample.value))
    return series


def gaps(points: Sequence[tuple[datetime, float | None]]) -> list[tuple[datetime, datetime]]:
    """The spans without data: from the first empty poll to the next poll with a value."""
    spans: list[tuple[datetime, datetime]] = []
    start: datetime | None = None
    for at, value in sorted(points, key=lambda p: p[0]):
        if value is None and start is None:
            start = at
        elif value is not None and start is not None:
            spans.append((start, at))
            start = None
    if start is not None:
        spans.append((start, max(at for at, _ in points)))
    return spans


def main_signals(summary: DrillSummary, series: Series) -> list[SignalSummary]:
    """Symptomatic signals first, then the others, keeping the journal's order; at most four."""
    charted = [s for s in summary.signals if any(v is not None for _, v in series.get(s.name, []))]
    ranked = sorted(charted, key=lambda s: s.symptom_at is None)
    return ranked[:MAX_PANELS]


def render_chart(summary: DrillSummary, events: Sequence[JournalEvent], path: Path) -> Path | None:
    """Write the PNG; ``None`` (and no file) when the journal has no samples to draw."""
    series = signal_series(events)
    signals = main_signals(summary, series)
    if not signals:
        return None
    figure = Figure(figsize=(10, 2.4 * len(signals) + 0.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(signals), 1, sharex=True, squeeze=False)[:, 0]
    for ax, signal in zip(axes, signals, strict=True):
        _panel(ax, signal, series[signal.name], summary)
    axes[0].legend(loc="upper right", fontsize=7, ncols=3)
    axes[-1].xaxis.set_major_formatter(DateFormatter("%H:%M:%S", tz=UTC))
    axes[-1].set_xlabel("UTC")
    figure.suptitle(header_text(summary))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path


def panel_marks(summary: DrillSummary, signal: SignalSummary) -> list[tuple[datetime, str, str]]:
    """The vertical lines of one signal's panel: the drill's moments, except that the symptom
    line stands where *this* signal broke (its detect mark), and is absent if it never did."""
    marks = []
    for attr, label, colour in _MARKERS:
        if attr == "first_revert" and summary.durations.nothing_to_revert:
            continue  # an instant fault: its revert put nothing back, so no revert line
        at = signal.symptom_at if attr == "symptom" else getattr(summary.at, attr)
        if at is not None:
            marks.append((at, label, colour))
    return marks


def _panel(
    ax: Axes,
    signal: SignalSummary,
    points: list[tuple[datetime, float | None]],
    summary: DrillSummary,
) -> None:
    ordered = sorted(points, key=lambda p: p[0])
    times = [float(date2num(at)) for at, _ in ordered]
    values = [math.nan if v is None else v for _, v in ordered]  # NaN breaks the line
    ax.plot(times, values, color="black", linewidth=1.2, label=signal.name)
    for n, (start, end) in enumerate(gaps(ordered)):
        label = "no data" if n == 0 else None
        ax.axvspan(date2num(start), date2num(end), color="grey", alpha=0.2, label=label)
    if signal.baseline is not None:
        ax.axhline(signal.baseline, color="grey", linestyle="--", linewidth=0.8, label="baseline")
    for at, label, colour in panel_marks(summary, signal):
        ax.axvline(float(date2num(at)), color=colour, linewidth=1.0, alpha=0.8, label=label)
    ax.set_ylabel(signal.unit or "")
    ax.set_title(signal.name, loc="left", fontsize=10)
    ax.grid(True, alpha=0.3)
