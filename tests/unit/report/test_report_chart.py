"""The chart is a real PNG of the signals; no samples, no chart."""

from __future__ import annotations

from pathlib import Path

from report_helpers import load, without

from drillctl.report.chart import main_signals, render_chart, signal_series
from drillctl.report.summary import summarize

PNG = b"\x89PNG\r\n\x1a\n"


def test_chart_is_a_png(tmp_path: Path) -> None:
    events = load("passed-unattended")
    path = render_chart(summarize(events), events, tmp_path / "chart.png")
    assert path == tmp_path / "chart.png"
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 10_000


def test_symptomatic_signals_are_charted_first() -> None:
    events = load("passed-unattended")
    names = [s.name for s in main_signals(summarize(events), signal_series(events))]
    assert names == ["bet_settled_waiting", "ebit_api_up"]


def test_no_samples_no_chart(tmp_path: Path) -> None:
    events = without(load("passed-unattended"), "sample")
    assert render_chart(summarize(events), events, tmp_path / "chart.png") is None
    assert not (tmp_path / "chart.png").exists()
