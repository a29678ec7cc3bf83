"""``drillctl report`` through the typer app, on copies of the fixture journals, a fake Slack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from state_dirs import own_project, with_every_fixture_run
from typer.testing import CliRunner, Result

from drillctl.cli.app import app
from drillctl.core.journal import read_events
from drillctl.report import history

PASSED = "20260302-100000-bullmq-backpressure-7f3a"
INTERACTIVE = "20260303-140000-ws-handshake-storm-c41e"
HOOK = "/services/T0DRILL/B0DRILL/s3cr3tW3bh00kT0k3n"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state dir holding every fixture run; our own drillctl.toml, no DRILLCTL_* from outside."""
    return with_every_fixture_run(own_project(tmp_path, monkeypatch) / "state")


def drillctl(state: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["--state-dir", str(state), *args], env=env)


def test_prints_the_slack_timeline_for_a_run_id_prefix(state: Path) -> None:
    result = drillctl(state, "report", "20260302")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("*Chaos drill bullmq-backpressure (P2): PASSED*\n")
    assert "• Time to detect: 12s (inject → symptom)" in result.stdout
    run_dir = state / "runs" / PASSED
    for name in ("report.json", "timeline.slack.txt", "timeline.md", "junit.xml", "chart.png"):
        assert (run_dir / name).is_file(), name
    assert (run_dir / "timeline.slack.txt").read_text() == result.stdout


def test_report_indexes_the_run_in_the_history(state: Path) -> None:
    assert drillctl(state, "report", PASSED).exit_code == 0
    [record] = history.query(state / "history.sqlite")
    assert (record.run_id, record.detect_s, record.recover_s) == (PASSED, 12.0, 29.0)


def test_latest_is_the_newest_run(state: Path) -> None:
    result = drillctl(state, "report", "latest", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["schema_version"], report["run_id"]) == (1, "20260308-100000-blind-5e19")


def test_junit_and_markdown_formats(state: Path) -> None:
    junit = drillctl(state, "report", "20260304", "-F", "junit")
    assert junit.exit_code == 0 and 'failures="2"' in junit.stdout
    markdown = drillctl(state, "report", "20260304", "--format", "markdown")
    assert markdown.stdout.startswith("# Chaos drill bullmq-misdirected (P2): FAILED")


def test_output_file(state: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    result = drillctl(state, "report", PASSED, "-F", "markdown", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("# Chaos drill bullmq-backpressure")


def test_judge_appends_a_signed_verdict_and_rewrites_the_reports(state: Path) -> None:
    result = drillctl(state, "report", INTERACTIVE, "--judge", "correct", "--by", "bob")
    assert result.exit_code == 0, result.output
    events = read_events(state / "runs" / INTERACTIVE / "journal.jsonl")
    assert events[-1].type == "hypothesis.verdict"
    assert events[-1].data == {"matched": True, "keywords_hit": [], "by": "bob"}
    assert ":white_check_mark: matches the root cause (verdict by bob)" in result.stdout
    report = json.loads((state / "runs" / INTERACTIVE / "report.json").read_text())
    assert report["verdict"]["by"] == "bob"
    [record] = history.query(state / "history.sqlite")
    assert record.hypothesis_matched is True


def test_judge_needs_a_name(state: Path) -> None:
    result = drillctl(state, "report", INTERACTIVE, "--judge", "incorrect")
    assert result.exit_code == 2
    assert "--judge needs --by NAME" in result.stderr
    assert (
        len(read_events(state / "runs" / INTERACTIVE / "journal.jsonl")) == 284
    )  # nothing appended


def test_unknown_and_ambiguous_runs_are_clear_errors(state: Path) -> None:
    unknown = drillctl(state, "report", "nope")
    assert unknown.exit_code == 2 and "no run matches 'nope'" in unknown.stderr
    ambiguous = drillctl(state, "report", "2026")
    assert ambiguous.exit_code == 2 and "matches 7 runs" in ambiguous.stderr
    assert "Traceback" not in unknown.output + ambiguous.output


def test_webhook_200_ok_posts_the_payload(state: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(HOOK, method="POST").respond_with_data("ok")
    result = drillctl(state, "report", PASSED, "--slack-webhook", httpserver.url_for(HOOK))
    assert result.exit_code == 0, result.output
    assert "posted the timeline to Slack" in result.stderr
    [(request, _)] = httpserver.log
    payload = request.get_json()
    assert payload["blocks"][0]["text"]["text"] == "Chaos drill bullmq-backpressure (P2): PASSED"
    assert payload["text"].startswith("Chaos drill bullmq-backpressure (P2): PASSED")


def test_webhook_500_keeps_the_report_and_fails_cleanly(
    state: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(HOOK, method="POST").respond_with_data("rollup_error", status=500)
    url = httpserver.url_for(HOOK)
    result = drillctl(state, "report", PASSED, "--slack-webhook", url)
    assert result.exit_code == 1
    assert "HTTP 500 rollup_error" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "s3cr3t" not in result.output  # the webhook URL is a secret
    assert (state / "runs" / PASSED / "timeline.slack.txt").read_text() == result.stdout  # not lost
    assert "s3cr3t" not in "".join(
        p.read_text() for p in (state / "runs" / PASSED).glob("*.[jt]*[nlt]")
    )


def test_webhook_from_the_environment_404_no_service(state: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK, method="POST").respond_with_data("no_service", status=404)
    env = {"DRILLCTL_NOTIFY_SLACK_WEBHOOK": httpserver.url_for(HOOK)}
    result = drillctl(state, "report", PASSED, env=env)
    assert result.exit_code == 1
    assert "HTTP 404 no_service" in result.stderr and "s3cr3t" not in result.output


def test_webhook_429_is_retried_after_retry_after(state: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(HOOK, method="POST").respond_with_data(
        "rate_limited", status=429, headers={"Retry-After": "0"}
    )
    httpserver.expect_ordered_request(HOOK, method="POST").respond_with_data("ok")
    result = drillctl(state, "report", PASSED, "--slack-webhook", httpserver.url_for(HOOK))
    assert result.exit_code == 0, result.output
    assert len(httpserver.log) == 2


def test_no_post_skips_a_configured_webhook(state: Path, httpserver: HTTPServer) -> None:
    env = {"DRILLCTL_NOTIFY_SLACK_WEBHOOK": httpserver.url_for(HOOK)}
    result = drillctl(state, "report", PASSED, "--no-post", env=env)
    assert result.exit_code == 0 and httpserver.log == []


def test_a_running_blind_drill_is_not_revealed_by_report(state: Path) -> None:
    journal = state / "runs" / "20260308-100000-blind-5e19" / "journal.jsonl"
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(lines[:40]) + "\n")  # mid-drill: no reveal, no end yet
    result = drillctl(state, "report", "20260308")
    assert result.exit_code == 2
    assert "blind drill is still running" in result.stderr
    assert "bullmq" not in result.output
    assert not (journal.parent / "timeline.slack.txt").exists()
