"""`drillctl run NAME --non-interactive` against the real lab: the four seed scenarios pass with
real numbers in their Slack timeline; a drill whose fault misses the signal fails (exit 1) naming
the expectation; a Slack webhook answering 500 loses nothing.

Durations are shortened with --set (fault 20 s, baseline 10 s) so the four fit in a few minutes.
"""

from __future__ import annotations

import re
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


def _passed(run: Any) -> None:
    assert run.code == 0, shown(run)
    ended = run.of("run.ended")[-1]
    assert ended["result"] == "passed", shown(run)
    assert all(e["passed"] for e in run.of("expectation")), shown(run)
    assert run.of("fault.reverted"), "the fault was reverted"
    assert run.of("hypothesis.auto") and run.of("hypothesis.verdict")


@pytest.mark.timeout(400)
def test_bullmq_backpressure_passes_with_the_real_queue_depth(lab: Any, state: Path) -> None:
    run = run_drill(
        lab,
        state,
        "bullmq-backpressure",
        *SHORT,
        "--set",
        "faults[0].duration=20s",
    )
    _passed(run)
    slack = run.slack()
    assert "*Chaos drill bullmq-backpressure (P2): PASSED*" in slack
    depth = re.search(r"queue_waiting: baseline (\S+) jobs → peak (\d+) jobs", slack)
    assert depth and int(depth.group(2)) >= 20, slack  # the waiting depth and its baseline
    assert "Reverting consumer-down (by engine)" in slack and "Recovered: queue_waiting" in slack
    for line in ("Time to detect:", "Time to hypothesis:", "Time to mitigate:", "Time to recover:"):
        assert line in slack
    assert run.report()["durations"]["mitigate_s"] is not None
    print(f"bullmq-backpressure: exit {run.code} in {run.seconds:.0f}s")


@pytest.mark.timeout(560)
def test_redis_cache_flush_passes_with_the_miss_spike(lab: Any, state: Path) -> None:
    run = run_drill(lab, state, "redis-cache-flush", *SHORT)
    _passed(run)
    slack = run.slack()
    assert re.search(r"cache_miss_ratio: baseline \S+ ratio → peak 0\.\d+|1 ratio", slack), slack
    assert "CacheMissSpike fired" in slack
    print(f"redis-cache-flush: exit {run.code} in {run.seconds:.0f}s")


@pytest.mark.timeout(400)
def test_signin_failure_spike_passes_and_names_the_recreation(lab: Any, state: Path) -> None:
    # the scenario's own 60 s: the recreated ebit-api needs 15-30 s to start before smoke sees it
    run = run_drill(lab, state, "signin-failure-spike", *SHORT)
    _passed(run)
    slack = run.slack()
    assert re.search(
        r"signin_failure_ratio: baseline 0 ratio → peak (0\.[5-9]\d*|1) ratio", slack
    ), slack
    assert "AdminSignInFailureSpike fired" in slack
    assert "ebit-api was recreated" in run.of("hypothesis.auto")[0]["text"]
    assert run.of("hypothesis.verdict")[0]["matched"] is True
    print(f"signin-failure-spike: exit {run.code} in {run.seconds:.0f}s")


@pytest.mark.timeout(400)
def test_ws_handshake_storm_passes_with_throttled_counts(lab: Any, state: Path) -> None:
    run = run_drill(
        lab,
        state,
        "ws-handshake-storm",
        *SHORT,
        "--set",
        "faults[0].duration=20s",
    )
    _passed(run)
    slack = run.slack()
    assert re.search(r"handshakes_throttled: baseline 0 handshakes/s → peak \d", slack), slack
    injected = run.of("fault.injected")[0]["result"]
    assert injected or run.of("fault.reverted")[0]["result"]
    print(f"ws-handshake-storm: exit {run.code} in {run.seconds:.0f}s")


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
