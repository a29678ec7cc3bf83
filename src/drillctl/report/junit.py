"""JUnit XML (``junit.xml``): one test case per expectation, the durations as properties.

A run whose result is not explained by a failed expectation (aborted, revert-failed, not-steady,
invalid, incomplete, unfinished, or failed without a failing expectation) gets one more case,
``drill``, with an ``error`` (or a ``failure`` for failed/incomplete) carrying the reason, so CI
never shows green for a drill that did not pass. The suite engineer aggregates several runs with
``testsuite_element`` inside one ``<testsuites>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from drillctl.report.fmt import number
from drillctl.report.model import DrillSummary

_FAILURE_RESULTS = {"failed", "incomplete"}


def render_junit(summary: DrillSummary) -> str:
    return render_suites([summary])


def render_suites(summaries: Iterable[DrillSummary], name: str = "drillctl") -> str:
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
    for summary in summaries:
        suite = testsuite_element(summary)
        root.append(suite)
        for key in ("tests", "failures", "errors"):
            totals[key] += int(suite.get(key, "0"))
        totals["time"] += float(suite.get("time", "0"))
    root.attrib.update({k: (f"{v:.3f}" if k == "time" else str(v)) for k, v in totals.items()})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def testsuite_element(summary: DrillSummary) -> ET.Element:
    suite = ET.Element("testsuite", name=summary.scenario)
    suite.append(_properties(summary))
    classname = f"drillctl.{summary.scenario}"
    cases = [
        _expectation_case(classname, e.name, e.passed, e.detail, e.expected, e.actual)
        for e in summary.expectations
    ]
    drill = _drill_case(classname, summary)
    if drill is not None:
        cases.append(drill)
    for case in cases:
        suite.append(case)
    suite.attrib.update(
        tests=str(len(cases)),
        failures=str(sum(1 for c in cases if c.find("failure") is not None)),
        errors=str(sum(1 for c in cases if c.find("error") is not None)),
        skipped="0",
        time=f"{summary.durations.drill_s or 0.0:.3f}",
    )
    if summary.at.started:
        suite.set("timestamp", summary.at.started.strftime("%Y-%m-%dT%H:%M:%S"))
    return suite


def _properties(summary: DrillSummary) -> ET.Element:
    props = ET.Element("properties")
    d = summary.durations
    values: dict[str, object] = {
        "run_id": summary.run_id,
        "result": summary.result,
        "exit_code": summary.exit_code,
        "mode": summary.mode,
        "operator": summary.operator,
        "project": summary.project,
        "time_to_detect_s": d.detect_s,
        "time_to_acknowledge_s": d.acknowledge_s,
        "time_to_hypothesis_s": d.hypothesis_s,
        "time_to_hypothesis_responder_s": d.hypothesis_responder_s,
        "time_to_hypothesis_drillctl_s": d.hypothesis_drillctl_s,
        "time_to_mitigate_s": d.mitigate_s,
        "nothing_to_revert": d.nothing_to_revert or None,
        "time_to_recover_s": d.recover_s,
        "jobs_lost": summary.jobs_lost,
        "journal_unreadable_lines": summary.unreadable_lines,
        "hypothesis_matched": summary.verdict.matched if summary.verdict else None,
    }
    values.update({f"alert.{a.name}.latency_s": a.latency_s for a in summary.alerts})
    values.update({f"unavailable.{k}": why for k, why in summary.unavailable_sources.items()})
    for name, value in values.items():
        if value is not None:
            ET.SubElement(props, "property", name=name, value=str(value))
    return props


def _expectation_case(
    classname: str, name: str, passed: bool, detail: str | None, expected: object, actual: object
) -> ET.Element:
    case = ET.Element("testcase", classname=classname, name=name, time="0")
    if not passed:
        failure = ET.SubElement(
            case, "failure", message=detail or f"{name} failed", type="expectation"
        )
        shown = f"expected: {_value(expected)}\nactual: {_value(actual)}\n{detail or ''}"
        failure.text = shown.rstrip()
    return case


def _value(value: object) -> object:
    """A measured float as every report rounds it (3 significant digits)."""
    return number(value) if isinstance(value, float) else value


def _drill_case(classname: str, summary: DrillSummary) -> ET.Element | None:
    failed_expectation = any(not e.passed for e in summary.expectations)
    if summary.result == "passed":
        return (
            None
            if summary.expectations
            else ET.Element("testcase", classname=classname, name="drill")
        )
    if summary.result == "failed" and failed_expectation:
        return None
    case = ET.Element(
        "testcase",
        classname=classname,
        name="drill",
        time=f"{summary.durations.drill_s or 0.0:.3f}",
    )
    tag = "failure" if summary.result in _FAILURE_RESULTS else "error"
    message = "; ".join([summary.reason or summary.result, *summary.issues])
    node = ET.SubElement(case, tag, message=message, type=summary.result)
    node.text = message
    return case
