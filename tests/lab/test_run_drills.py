"""`drillctl run NAME --non-interactive` against the real lab: a drill whose fault misses the
signal fails (exit 1) naming the expectation, and a Slack webhook answering 500 loses nothing.

The four seed scenarios passing with real numbers in their Slack timelines is proven once, by
tests/lab/test_suite_all.py (the suite runs each through the same session code as `run`), so the
session does not pay for the four drills twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from run_support import recover, run_drill, shown

from drillctl.commands.progress import line_for
from drillctl.core.journal import read_events

pytestmark = [pytest.mark.lab]

SHORT = ("--set", "baseline=10s")


@pytest.fixture
def state(lab: Any, tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    recover(lab, tmp_path)


@pytest.mark.timeout(400)
def test_fault_on_an_unrelated_service_fails_naming_the_expectation_and_slack_500_loses_nothing(
    lab: Any, state: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/services/T0/B0/secret", method="POST").respond_with_data(
        "rollup_error", status=500
    )
    webhook = httpserver.url_for("/services/T0/B0/secret")
    # queue_waiting does not depend on the redis exporter: stopping it shows no symptom
    run = run_drill(
        lab,
        state,
        "bullmq-backpressure",
        *SHORT,
        "--set",
        "api_service=redis-exporter",
        "--set",
        "faults[0].duration=15s",
        "--set",
        "expect.symptom_within=20s",
        "--slack-webhook",
        webhook,
        env={"DRILLCTL_DRILL_SILENCE": 'alertname=~".+"'},  # pages nobody while it runs
    )
    assert run.code == 1, shown(run)
    _progress_has_a_line_per_step_in_order(run)
    _the_silence_was_held_then_expired(lab, run)
    assert run.of("run.ended")[-1]["result"] == "failed"
    failed = {e["name"]: e["detail"] for e in run.of("expectation") if not e["passed"]}
    assert failed["symptom"] == "no signal showed the symptom within 20s of the injection"
    report = run.report()
    assert any(e["name"] == "symptom" and not e["passed"] for e in report["expectations"])
    assert "FAIL symptom" in run.slack()
    assert "Slack webhook refused the message: HTTP 500 rollup_error" in run.stdout + run.stderr
    assert webhook not in run.stdout + run.stderr  # the webhook URL is a secret
    assert len(httpserver.log) == 1  # it was posted, and answered 500
    for name in ("report.json", "timeline.slack.txt", "timeline.md", "junit.xml"):
        assert (run.run_dir / name).is_file()


def _progress_has_a_line_per_step_in_order(run: Any) -> None:
    """stderr: one timestamped line per journal event that matters, in the journal's order."""
    events = read_events(run.run_dir / "journal.jsonl")
    expected = [line for line in map(line_for, events) if line is not None]
    progress = [line for line in run.stderr.splitlines() if re.match(r"\d\d:\d\d:\d\d ", line)]
    assert progress == expected, shown(run)
    steps = [line.split(" ", 1)[1] for line in progress]
    wanted = [
        "run ",
        "phase preflight",
        "silence ",  # created: held before the baseline, so before anything is injected
        "phase baseline",
        "baseline queue_waiting: ",
        "fault 0 injecting: ",
        "fault 0 injected",
        "fault 0 reverting (by engine)",
        "fault 0 reverted",
        "expectation symptom: FAIL",
        "result failed (exit 1)",
    ]
    at = [next(i for i, s in enumerate(steps) if s.startswith(w)) for w in wanted]
    assert at == sorted(at), steps
    expired = next(i for i, s in enumerate(steps) if s.endswith(" expired"))
    assert at[wanted.index("fault 0 reverted")] < expired < at[-1], steps
    assert not any(line in run.stdout for line in progress)  # stdout stays the report


def _the_silence_was_held_then_expired(lab: Any, run: Any) -> None:
    created = run.of("silence.created")
    assert len(created) == 1 and run.of("silence.expired") == [{"id": created[0]["id"]}]
    url = f"{lab.endpoints.alertmanager_url}/api/v2/silence/{created[0]['id']}"
    silence = httpx.get(url, timeout=10).json()
    assert silence["status"]["state"] == "expired", silence
    assert silence["matchers"] == [
        {"name": "alertname", "value": ".+", "isRegex": True, "isEqual": True}
    ]
