"""Every format shows the same key figures, rendered from the same journal: the synthetic journals
(tests/fixtures/journals) and the frozen 0.1.0 runs (tests/fixtures/journals/v010). The figures are
defined once (report/figures.py, docs/figures.md); this test catches a renderer that recomputes one.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_helpers import JOURNALS, NAMES, load, replace_data, without

from drillctl.core.journal import read_journal
from drillctl.operator.panel import PanelView
from drillctl.report.chart import main_signals, panel_marks, signal_series
from drillctl.report.fmt import seconds
from drillctl.report.history import record_of
from drillctl.report.json_report import render_json
from drillctl.report.junit import render_junit
from drillctl.report.markdown import render_markdown
from drillctl.report.slack import render_slack, suite_line
from drillctl.report.summary import summarize

PATHS = [JOURNALS / f"{name}.jsonl" for name in NAMES] + sorted(
    (JOURNALS / "v010").glob("*/*/journal.jsonl")
)
FIGURES = {  # durations key -> the words Slack and Markdown start the line or row with
    "detect_s": "Time to detect",
    "acknowledge_s": "Time to acknowledge",
    "hypothesis_s": "Time to hypothesis",
    "mitigate_s": "Time to mitigate",
    "recover_s": "Time to recover",
}


def _id(path: Path) -> str:
    return path.parent.name if path.name == "journal.jsonl" else path.stem


def _expected_words(durations: dict[str, object], key: str) -> str:
    value = durations[key]
    if key == "mitigate_s" and durations["nothing_to_revert"]:
        return "nothing to revert"
    return seconds(value) if isinstance(value, float) else ""


def _slack_value(text: str, label: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith(f"• {label}")]
    assert len(lines) == 1, (label, lines)  # one line per figure: never two times to hypothesis
    return lines[0].split(": ", 1)[1]


def _markdown_value(text: str, label: str) -> str:
    rows = [line for line in text.splitlines() if line.startswith((f"| {label} |", f"| {label} ("))]
    assert len(rows) == 1, (label, rows)
    return rows[0].split(" | ")[1]


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_every_format_shows_the_same_figures(path: Path) -> None:
    events = read_journal(path).events
    summary = summarize(events)
    report = json.loads(render_json(summary))
    durations = report["durations"]
    slack, markdown = render_slack(summary), render_markdown(summary)
    props = {
        p.get("name"): p.get("value") for p in ET.fromstring(render_junit(summary)).iter("property")
    }
    record = record_of(summary)
    for key, label in FIGURES.items():
        words = _expected_words(durations, key)
        if words:
            assert _slack_value(slack, label).startswith(words), (key, slack)
            assert _markdown_value(markdown, label).startswith(words), key
        value = durations[key]
        assert props.get(f"time_to_{key}") == (None if value is None else str(value)), key
        assert getattr(record, key) == value, key
    assert f"hypothesis {seconds(durations['hypothesis_s'])}" in suite_line(summary)


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_panel_and_chart_run_the_reports_symptom_clock(path: Path) -> None:
    events = read_journal(path).events
    summary = summarize(events)
    assert PanelView.fold(events).symptom_at == summary.at.symptom
    for signal in main_signals(summary, signal_series(events)):
        lines = [at for at, label, _ in panel_marks(summary, signal) if label == "symptom"]
        assert lines == ([signal.symptom_at] if signal.symptom_at else [])
    if summary.at.symptom is not None:  # the drill's clock is the earliest primary symptom
        assert summary.at.symptom in {s.symptom_at for s in summary.signals}


def test_a_ctrl_c_revert_before_any_symptom_still_has_a_time_to_mitigate() -> None:
    events = replace_data(
        without(load("passed-unattended"), "symptom", "recovered"),
        "fault.revert-started",
        by="signal",
    )
    summary = summarize(events)
    assert summary.at.symptom is None and summary.at.first_revert is not None
    assert summary.at.injected is not None
    expected = (summary.at.first_revert - summary.at.injected).total_seconds()
    assert summary.durations.mitigate_s == expected
    assert summary.durations.mitigate_from == "injection"
    line = f"• Time to mitigate: {seconds(expected)} (first revert by signal) from the injection"
    assert line in render_slack(summary)


def test_an_instant_fault_reports_nothing_to_revert() -> None:
    run = "20261207-140612-redis-cache-flush-1b85"
    summary = summarize(read_journal(JOURNALS / "v010" / "runs" / run / "journal.jsonl").events)
    assert summary.durations.nothing_to_revert and summary.durations.mitigate_s is None
    slack = render_slack(summary)
    assert "• Time to mitigate: nothing to revert (the fault was instant)" in slack
    assert not re.search(r"Time to mitigate: \d", render_markdown(summary))
