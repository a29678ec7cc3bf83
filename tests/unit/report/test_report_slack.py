# ruff: noqa: E501  (the expected Slack lines are kept whole, as they appear in the channel)
"""The Slack timeline: lines, escaping of hostile text, links, and Slack's limits."""

from __future__ import annotations

import json

from report_helpers import load, replace_data, with_events

from drillctl.report.links import dashboard_links
from drillctl.report.slack import escape, render_mrkdwn, render_slack, slack_payload
from drillctl.report.summary import summarize


def _text(name: str) -> str:
    summary = summarize(load(name))
    return render_slack(summary, dashboard_links(summary))


def test_passed_run_header_and_key_durations() -> None:
    lines = _text("passed-unattended").splitlines()
    assert lines[0] == "*Chaos drill bullmq-backpressure (P2): PASSED*"
    for expected in [
        "• Time to detect: 12s (inject → symptom)",
        "• Time to acknowledge: n/a (unattended)",
        "• Time to hypothesis (drillctl): 13s :white_check_mark: under the 10m target",
        "• Time to mitigate: 48s (first revert by engine)",
        "• Time to recover: 29s (revert → recovered)",
    ]:
        assert expected in lines


def test_passed_run_has_one_line_per_event_with_utc_clock() -> None:
    lines = _text("passed-unattended").splitlines()
    for expected in [
        "`10:00:33` Fault stop-ebit-api injected",
        "`10:00:45` Symptom: bet_settled_waiting = 40 jobs (baseline 2; value >= 20 (baseline x10) for 5s)",
        "`10:01:03` Alert EbitApiDown firing (prometheus)",
        "`10:01:33` Reverting stop-ebit-api (by engine)",
        "`10:02:02` Recovered: bet_settled_waiting = 2 jobs (baseline 2)",
        "`10:02:21` Drill ended: passed (exit 0): every expectation met",
    ]:
        assert expected in lines
    assert (
        "• bet_settled_waiting: baseline 2 jobs → peak 180 jobs at 10:01:34 (symptom 10:00:45, recovered 10:02:02)"
        in lines
    )


def test_alert_latencies_and_evidence_lines() -> None:
    text = _text("passed-unattended")
    assert "• EbitApiDown fired 10:01:03 (30s after the injection), resolved 10:01:48" in text
    assert "• `10:00:52` log, logs: ebit-api: last line at 10:00:32 'SIGTERM received" in text


def test_interactive_run_shows_the_responder_and_their_hypothesis() -> None:
    text = _text("interactive")
    assert "• Time to acknowledge: 42s" in text
    assert "• Time to hypothesis (alice): 2m15s :white_check_mark: under the 10m target" in text
    assert "• Time to mitigate: 2m30s (first revert by responder)" in text
    assert (
        "*Hypothesis* (alice, 14:03:05): :x: does not match the root cause (verdict by drillctl)"
        in text
    )
    assert "`14:02:30` alice decision: block the source" in text


def test_failed_run_says_which_expectations_failed() -> None:
    text = _text("failed")
    assert text.startswith("*Chaos drill bullmq-misdirected (P2): FAILED*")
    assert (
        "`09:01:34` Expectation FAIL symptom: no signal showed the symptom within 60s of the injection"
        in text
    )
    assert "• Time to detect: n/a (inject → symptom)" in text
    assert "*Alerts:* none fired" in text


def test_revert_failed_run_tells_what_to_do() -> None:
    text = _text("revert-failed")
    assert "REVERT FAILED wrong-admin-password" in text
    assert (
        "To do: free port 18080, then run: drillctl recover 20260306-160000-signin-failure-spike-9d21"
        in text
    )
    assert "• Time to recover: not recovered (revert → recovered)" in text


def test_blind_report_reveals_what_was_hidden_with_hints() -> None:
    text = _text("blind")
    assert text.startswith("*Chaos blind drill bullmq-backpressure (P2): PASSED*")
    assert (
        "*Blind drill:* scenario hidden until 10:09:31, revealed as *bullmq-backpressure* (seed 4242); hints: 1"
        in text
    )
    assert "• `10:05:00` dave: look at the queues, not only at the API" in text
    assert (
        "• Time to hypothesis (carol): 6m30s :white_check_mark: under the 10m target; after 1 hint, 4m unaided"
        in text
    )


def test_escape_is_exactly_the_three_characters() -> None:
    assert (
        escape("a & b < c > d *e* _f_ `g` \"h\" 'i'")
        == "a &amp; b &lt; c &gt; d *e* _f_ `g` \"h\" 'i'"
    )
    assert escape("&lt;") == "&amp;lt;"  # & first, so an entity is not left live


def test_hostile_hypothesis_cannot_ping_the_channel() -> None:
    events = replace_data(
        load("interactive"), "responder.hypothesis", text="<!channel> redis is down & <@U123>"
    )
    text = render_mrkdwn(summarize(events))  # what the API gets
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt; redis is down &amp; &lt;@U123&gt;" in text
    pasted = render_slack(summarize(events))  # the composer shows text as typed: no entities
    assert "> <!channel> redis is down & <@U123>" in pasted and "&lt;" not in pasted
    payload = json.dumps(slack_payload(summarize(events)))
    assert "<!channel>" not in payload and "<@U123>" not in payload


def test_hostile_text_everywhere_is_escaped() -> None:
    hostile = "<!here|x> & <https://evil.example|click>"
    events = with_events(
        replace_data(load("blind"), "gm.hint", text=hostile, by="<!everyone>"),
        (
            "2026-03-08T10:09:33Z",
            "evidence",
            {"kind": "log", "source": "logs", "summary": hostile, "items": [hostile]},
        ),
    )
    summary = summarize(events)
    for rendered in (render_mrkdwn(summary), json.dumps(slack_payload(summary))):
        assert (
            "<!here" not in rendered
            and "<!everyone>" not in rendered
            and "<https://evil" not in rendered
        )


def test_dashboard_links_carry_the_padded_drill_window() -> None:
    text = _text("interactive")
    # drill 14:00:00-14:04:12 UTC on 2026-03-03, padded by 5 minutes, in epoch milliseconds
    assert "from=1772546100000&to=1772546952000" in text
    assert "ebit-perf-test (https://grafana.example.com/d/ebit-perf-test/" in text
    assert "|ebit-perf-test> · <https://grafana.example.com/d/perf-system/" in render_mrkdwn(
        summarize(load("interactive")), dashboard_links(summarize(load("interactive")))
    )


def test_links_are_unavailable_when_nothing_is_known() -> None:
    assert "*Dashboards:* links unavailable" in _text("passed-unattended")


def test_links_are_built_from_grafana_url_and_known_uids() -> None:
    summary = summarize(load("passed-unattended"))
    links = dashboard_links(
        summary, grafana_public="https://g.example/", uids={"ebit-perf-test": "abc123"}
    )
    assert list(links) == ["ebit-perf-test"]  # perf-system's uid is unknown: no guessed link
    assert links["ebit-perf-test"].startswith(
        "https://g.example/d/abc123/ebit-perf-test?orgId=1&from="
    )


def test_link_urls_cannot_break_out_of_the_link() -> None:
    events = replace_data(
        load("interactive"), "run.started", dashboards={"a|b>c": "https://g.example/d/x?q=a|b>c"}
    )
    text = render_mrkdwn(summarize(events), dashboard_links(summarize(events)))
    assert "<https://g.example/d/x?q=a%7Cb%3Ec&from=" in text and "|a|b&gt;c>" in text


def test_payload_has_text_and_blocks_within_limits() -> None:
    payload = slack_payload(summarize(load("passed-unattended")))
    assert payload["text"].startswith("Chaos drill bullmq-backpressure (P2): PASSED: detect 12s")
    blocks = payload["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Chaos drill bullmq-backpressure (P2): PASSED"},
    }
    assert blocks[-1]["type"] == "context"
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_huge_journal_is_cut_to_slacks_limits() -> None:
    notes = [
        (f"2026-03-03T14:02:{i % 60:02d}Z", "responder.note", {"text": "n" * 380 + f" #{i}"})
        for i in range(400)
    ]
    events = with_events(load("interactive"), *notes)
    events = replace_data(events, "run.started", scenario={"name": "x" * 300, "severity": "P2"})
    events = replace_data(events, "evidence", summary="e" * 5000, items=["i" * 5000] * 50)
    payload = slack_payload(summarize(events))
    blocks = payload["blocks"]
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(payload["text"]) <= 4000
    assert len(json.dumps(payload)) < 16_000
    assert "message cut to fit Slack's limits" in blocks[-1]["elements"][0]["text"]


def test_long_evidence_is_truncated_in_the_text() -> None:
    events = replace_data(
        load("passed-unattended"), "evidence", summary="x" * 2000, items=["y" * 2000] * 9
    )
    text = render_slack(summarize(events))
    evidence = text.split("*Evidence*")[1]
    assert max(len(line) for line in evidence.splitlines()) < 400
    assert "_… 6 more in report.json_" in evidence


def test_structured_evidence_items_read_as_text() -> None:
    items = [{"title": "ebit-perf-test", "url": "https://g.example/d/a"}, {"sent": 10, "ok": 9}]
    events = replace_data(load("passed-unattended"), "evidence", items=items)
    text = render_slack(summarize(events))
    assert "    `ebit-perf-test: https://g.example/d/a`" in text
    assert "    `sent=10, ok=9`" in text


def test_suite_line_per_scenario() -> None:
    from drillctl.report.slack import suite_line

    assert suite_line(summarize(load("passed-unattended"))) == (
        ":white_check_mark: *bullmq-backpressure* passed · detect 12s · hypothesis 13s"
        " · mitigate 48s · recover 29s · `20260302-100000-bullmq-backpressure-7f3a`"
    )
    assert suite_line(summarize(load("failed"))).startswith(":x: *bullmq-misdirected* failed")
