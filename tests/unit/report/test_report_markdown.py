"""The Markdown report: the same facts, escaped for tables and inline HTML."""

from __future__ import annotations

from report_helpers import load, replace_data

from drillctl.report.markdown import render_markdown
from drillctl.report.summary import summarize


def test_markdown_has_durations_expectations_and_timeline() -> None:
    text = render_markdown(summarize(load("failed")))
    assert text.startswith("# Chaos drill bullmq-misdirected (P2): FAILED\n")
    assert "| Time to detect | n/a | inject → symptom |" in text
    assert "| **FAIL** | symptom | 1m | n/a | no signal showed the symptom within 60s" in text
    assert "| PASS | invariant:no-bets-lost | == 0 | 0 |" in text
    assert "| 09:00:33 | Fault stop-redis-exporter injected |" in text


def test_blind_markdown_shows_unaided_time_and_hints() -> None:
    text = render_markdown(summarize(load("blind")))
    assert "| Unaided time | 4m | 1 hint before the hypothesis |" in text
    assert "revealed as **bullmq-backpressure** (seed 4242). Hints: 1." in text
    assert "- 10:05:00 dave: look at the queues, not only at the API" in text


def test_markdown_escapes_html_and_table_pipes() -> None:
    events = replace_data(
        load("interactive"), "responder.hypothesis", text="<script>x</script> a|b"
    )
    text = render_markdown(summarize(events))
    assert "<script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt; a\\|b" in text
