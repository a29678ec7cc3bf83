"""JUnit XML: one test case per expectation, durations as properties, no green for a non-pass."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from report_helpers import load, without

from drillctl.report.junit import render_junit, render_suites
from drillctl.report.summary import summarize


def _suite(name: str) -> ET.Element:
    root = ET.fromstring(render_junit(summarize(load(name))))
    assert root.tag == "testsuites"
    return root.find("testsuite")  # type: ignore[return-value]


def _props(suite: ET.Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in suite.iter("property")}  # type: ignore[misc]


def test_passed_run_has_one_passing_case_per_expectation() -> None:
    suite = _suite("passed-unattended")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "symptom",
        "alert:EbitApiDown",
        "alert:BetSettledQueueBacklog",
        "recovered",
        "invariant:no-bets-lost",
    ]
    assert all(c.get("classname") == "drillctl.bullmq-backpressure" for c in cases)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "0", "0")
    assert suite.get("time") == "141.000"


def test_durations_are_properties() -> None:
    props = _props(_suite("passed-unattended"))
    assert props["time_to_detect_s"] == "12.0"
    assert props["time_to_hypothesis_s"] == "13.0"
    assert props["time_to_mitigate_s"] == "48.0"
    assert props["time_to_recover_s"] == "29.0"
    assert props["alert.EbitApiDown.latency_s"] == "30.0"
    assert props["result"] == "passed" and props["exit_code"] == "0"
    assert "time_to_acknowledge_s" not in props  # unknown values are left out, not "None"


def test_failed_expectations_are_failures_with_messages() -> None:
    suite = _suite("failed")
    assert (suite.get("tests"), suite.get("failures")) == ("3", "2")
    failure = suite.find("testcase[@name='symptom']/failure")
    assert failure is not None
    assert failure.get("message") == "no signal showed the symptom within 60s of the injection"
    assert "expected: 60\n" in (failure.text or "")  # numbers as every report rounds them (#17)


def test_aborted_revert_failed_and_not_steady_runs_are_errors() -> None:
    for name, kind in [
        ("aborted", "aborted"),
        ("revert-failed", "revert-failed"),
        ("not-steady", "not-steady"),
    ]:
        suite = _suite(name)
        error = suite.find("testcase[@name='drill']/error")
        assert error is not None and error.get("type") == kind, name
        assert int(suite.get("errors", "0")) == 1


def test_incomplete_interactive_run_is_a_failure() -> None:
    root = ET.fromstring(
        render_junit(summarize(without(load("interactive"), "responder.hypothesis")))
    )
    failure = root.find("testsuite/testcase[@name='drill']/failure")
    assert failure is not None and "no hypothesis" in failure.get("message", "")


def test_suites_aggregate_several_runs() -> None:
    summaries = [summarize(load(n)) for n in ("passed-unattended", "failed", "aborted")]
    root = ET.fromstring(render_suites(summaries))
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "bullmq-backpressure", "bullmq-misdirected", "redis-cache-flush",
    ]  # fmt: skip
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "2", "1")
