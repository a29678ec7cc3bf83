"""`drillctl run NAME --non-interactive` against the real lab: a drill whose fault misses the
signal fails (exit 1) naming the expectation, and a Slack webhook answering 500 loses nothing.

The four seed scenarios passing with real numbers in their Slack timelines is proven once, by
tests/lab/test_suite_all.py (the suite runs each through the same session code as `run`), so the
session does not pay for the four drills twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from run_support import recover, run_drill, shown

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
    )
    assert run.code == 1, shown(run)
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
