"""Every format rendered from the same journals says the same honest things (#17): a source that
could not be seen is "unavailable: why", never "0 found"; a stopped container's logs say it was
stopped; paths are relative to the project; numbers are rounded; an instant fault has nothing to
revert, and every other revert has a time to mitigate. The journals are the synthetic ones and
the frozen 0.1.0 runs (never regenerated), as in test_report_figures_agree.py.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from report_helpers import JOURNALS, NAMES, load, with_events
from rich.console import Console

from drillctl.core.events import FaultInjected, FaultRevertStarted, ResponderRevert, first_of
from drillctl.core.journal import read_journal
from drillctl.operator.panel import PanelView, render
from drillctl.report.chart import main_signals, panel_marks, signal_series
from drillctl.report.json_report import render_json
from drillctl.report.junit import render_junit
from drillctl.report.markdown import render_markdown
from drillctl.report.model import DrillSummary
from drillctl.report.slack import render_slack, slack_payload, suite_line
from drillctl.report.summary import summarize

V010 = JOURNALS / "v010" / "runs"
PATHS = [JOURNALS / f"{name}.jsonl" for name in NAMES] + sorted(V010.glob("*/journal.jsonl"))
BULLMQ = V010 / "20261207-140521-bullmq-backpressure-88f7" / "journal.jsonl"  # ebit-api stopped
FLUSH = V010 / "20261207-140612-redis-cache-flush-1b85" / "journal.jsonl"  # FLUSHDB: instant
DETECT = Path(__file__).parents[2] / "fixtures" / "detect"  # real lab journals of #16
_NUMBER = re.compile(r"(?<![\w.:/-])(\d+)\.(\d+)(?![\w.:])")


def _id(path: Path) -> str:
    return path.parent.name if path.name == "journal.jsonl" else path.stem


def _texts(summary: DrillSummary) -> dict[str, str]:
    """Every text format a person reads (of JUnit, its messages: properties and times are
    machine values, like report.json's)."""
    junit = ET.fromstring(render_junit(summary))
    said = [n.get("message", "") + "\n" + (n.text or "") for n in junit.iter() if n.get("message")]
    return {
        "slack": render_slack(summary),
        "markdown": render_markdown(summary),
        "webhook": json.dumps(slack_payload(summary), ensure_ascii=False),
        "junit": "\n".join(said),
        "suite": suite_line(summary),
    }


def _summary(path: Path) -> DrillSummary:
    return summarize(read_journal(path).events)


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_no_format_shows_a_source_it_could_not_see_as_found_nothing(path: Path) -> None:
    summary = _summary(path)
    report = json.loads(render_json(summary))
    for name, text in [*_texts(summary).items(), ("json", render_json(summary))]:
        assert not re.search(r"\b0 error spans of \S+ in 0 operations", text), name
    for source, why in report["unavailable_sources"].items():
        assert why, source  # always with why
        assert f"{source}: {why}" in _texts(summary)["slack"]
        assert f"| Unavailable source | {source}: {why} |" in render_markdown(summary)
        prop = ET.fromstring(render_junit(summary)).find(
            f".//property[@name='unavailable.{source}']"
        )
        assert prop is not None and prop.get("value") == why


def test_trace_evidence_without_jaeger_is_listed_unavailable_everywhere() -> None:
    summary = _summary(BULLMQ)
    report = json.loads(render_json(summary))
    assert report["unavailable_sources"] == {
        "jaeger": "not configured (trace evidence read from error log lines instead)"
    }
    words = (
        "api-error-spans: unavailable: no Jaeger configured, and no error log line has a trace id"
    )
    assert [e["summary"] for e in report["evidence"] if e["kind"] == "trace"] == [words]
    for name, text in _texts(summary).items():
        if name not in ("junit", "suite"):
            assert words in text, name
    view = PanelView.fold(read_journal(BULLMQ).events)
    assert view.found[3] == words  # the checklist's "query error spans" step


def test_a_stopped_containers_logs_say_it_was_stopped_in_every_format() -> None:
    summary = _summary(BULLMQ)
    words = "api-errors: no log lines: ebit-api was stopped from 14:05:35 to 14:05:55"
    live = "api-errors: no log lines: ebit-api was stopped from 14:05:35, not started again"
    assert [e.summary for e in summary.evidence if e.kind == "log"] == [words]
    assert f"Evidence (log, logs): {words}" in [t.text for t in summary.timeline]
    for name, text in _texts(summary).items():
        assert "0 log lines" not in text, name
    assert words in render_slack(summary) and words in render_markdown(summary)
    # the panel, live: the evidence came while ebit-api was down ("check logs" step)
    assert PanelView.fold(read_journal(BULLMQ).events).found[4] == live


def test_a_container_still_stopped_at_the_end_is_stopped_to_the_end_of_the_drill() -> None:
    events = [e for e in read_journal(BULLMQ).events if getattr(e, "action", "") != "start"]
    summary = summarize(events)
    [log] = [e.summary for e in summary.evidence if e.kind == "log"]
    assert log == "api-errors: no log lines: ebit-api was stopped from 14:05:35, not started again"


def test_an_evidence_query_whose_source_failed_is_unavailable_with_why() -> None:
    no_logs = [e for e in load("passed-unattended") if getattr(e, "kind", "") != "log"]
    events = with_events(
        no_logs,
        (
            "2026-03-02T10:01:05Z",
            "source.unavailable",
            {"source": "loki", "evidence": "errs", "reason": "503"},
        ),
    )
    summary = summarize(events)
    assert "loki/errs: 503" in render_slack(summary)
    assert "| Unavailable source | loki/errs: 503 |" in render_markdown(summary)
    assert "Source loki (evidence errs) unavailable: 503" in [t.text for t in summary.timeline]
    assert PanelView.fold(events).found[4] == "loki unavailable: 503"


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_paths_are_relative_to_the_project_in_every_format(path: Path) -> None:
    summary = _summary(path)
    for name, text in [*_texts(summary).items(), ("json", render_json(summary))]:
        assert not re.search(r"(/work/main|/home/|/tmp/|/root/)", text), name


def test_the_flush_runbook_is_named_relative_to_the_project() -> None:
    summary = _summary(FLUSH)
    assert summary.hypothesis is not None
    assert "runbook runbooks/redis-cache-flush.md matches" in summary.hypothesis.text
    paths = [i["path"] for e in summary.evidence if e.kind == "runbook" for i in e.items]
    assert "runbooks/redis-cache-flush.md" in paths


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_numbers_are_rounded_in_every_text_format(path: Path) -> None:
    summary = _summary(path)
    for name, text in _texts(summary).items():
        for whole, fraction in _NUMBER.findall(text):
            digits = (whole + fraction).lstrip("0")
            assert len(digits) <= 3, (name, f"{whole}.{fraction}")


def test_the_expectation_line_reads_like_the_issue_asks() -> None:
    summary = _summary(FLUSH)
    line = "read_latency_p95 = 0.202 (baseline 0.00971) 4.6s after the injection"
    assert summary.expectations[0].detail == line
    assert f"Expectation PASS symptom: {line}" in render_slack(summary)
    assert line in render_markdown(summary)


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_mitigate_is_present_whenever_a_revert_happened(path: Path) -> None:
    events = read_journal(path).events
    summary = summarize(events)
    d = summary.durations
    reverted = first_of(events, FaultRevertStarted) or first_of(events, ResponderRevert)
    slack = render_slack(summary)
    if d.nothing_to_revert:
        assert d.mitigate_s is None
        for name, text in _texts(summary).items():
            assert name == "junit" or "nothing to revert" in text, name  # JUnit: a property
            assert not re.search(r"[Mm]itigate:? \d", text), name
        assert "reverted" not in " ".join(t.text for t in summary.timeline if "Fault" in t.text)
    elif reverted is not None:
        assert d.mitigate_s is not None
        assert re.search(r"• Time to mitigate: \d", slack)
        assert re.search(r"\| Time to mitigate \| \d", render_markdown(summary))
    else:
        assert d.mitigate_s is None and "Time to mitigate: no revert" in slack


def test_the_flush_is_an_instant_fault_in_every_format() -> None:
    summary = _summary(FLUSH)
    assert summary.durations.nothing_to_revert
    texts = _texts(summary)
    assert "• Time to mitigate: nothing to revert (the fault was instant)" in texts["slack"]
    assert "| Time to mitigate | nothing to revert (the fault was instant) |" in texts["markdown"]
    assert "mitigate nothing to revert (the fault was instant)" in texts["suite"]
    assert "Fault flush-cache: nothing to revert (the fault was instant)" in texts["slack"]
    props = ET.fromstring(render_junit(summary)).find(".//property[@name='nothing_to_revert']")
    assert props is not None and props.get("value") == "True"
    assert json.loads(render_json(summary))["durations"]["mitigate_s"] is None
    events = read_journal(FLUSH).events
    charted = main_signals(summary, signal_series(events))
    assert charted and all(
        "revert" not in [label for _, label, _ in panel_marks(summary, s)] for s in charted
    )


def test_the_panel_says_nothing_to_revert_for_the_flush_and_who_reverted_otherwise() -> None:
    now = datetime(2026, 12, 7, 14, 8, tzinfo=UTC)
    flush = render(PanelView.fold(read_journal(FLUSH).events), now)
    stop = render(PanelView.fold(read_journal(BULLMQ).events), now)
    assert "since symptom 01:30   nothing to revert\n" in _screen(flush)  # one line, 80 columns
    assert "reverted by" not in _screen(flush)
    assert "reverted by engine" in _screen(stop) and "nothing to revert" not in _screen(stop)


def _screen(renderable: object) -> str:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_a_revert_that_put_something_back_is_a_line_on_the_chart() -> None:
    summary = _summary(BULLMQ)
    assert summary.at.first_revert is not None and not summary.durations.nothing_to_revert
    [signal, *_] = main_signals(summary, signal_series(read_journal(BULLMQ).events))
    assert (summary.at.first_revert, "revert") in [
        (at, lab) for at, lab, _ in panel_marks(summary, signal)
    ]


def test_an_alert_already_firing_before_the_fault_is_not_read_as_the_drills_doing() -> None:
    events = read_journal(BULLMQ).events
    injected = first_of(events, FaultInjected)
    assert injected is not None
    early = (injected.ts - timedelta(seconds=30)).isoformat()
    alert = {"name": "BetsLost", "state": "firing", "source": "alertmanager"}
    summary = summarize(with_events(events, (early, "alert", alert)))
    [lost] = [a for a in summary.alerts if a.name == "BetsLost"]
    assert lost.before_injection and lost.latency_s is None
    assert "BetsLost fired " in render_slack(summary)
    assert "(already firing before the fault)" in render_slack(summary)
    assert "| BetsLost | already firing before the fault |" in render_markdown(summary)
    assert not any(a.before_injection for a in summary.alerts if a.name != "BetsLost")


def test_a_signal_that_dropped_reports_its_low_not_the_catch_up_peak_after_the_revert() -> None:
    events = read_journal(DETECT / "bullmq-stop-api.jsonl").events
    low = next(s for s in summarize(events).signals if s.name == "credit_rate")
    assert low.peak_at is not None and low.peak is not None
    catch_up = (low.peak_at + timedelta(seconds=1)).isoformat()
    sample = {"signal": "credit_rate", "value": 30.0, "at": catch_up}
    summary = summarize(with_events(events, (catch_up, "sample", sample)))
    [credit] = [s for s in summary.signals if s.name == "credit_rate"]
    assert (credit.extreme_word, credit.peak) == ("low", low.peak)
    assert f"credit_rate: baseline 4.6 bets/s → low {low.peak:.3g}" in render_slack(summary)
