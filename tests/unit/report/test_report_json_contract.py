"""The JSON report's schema (version 1) is a contract: this test pins its fields.

Removing or renaming a field is a breaking change: bump ``SCHEMA_VERSION`` and say so. Adding a
field is fine: add it here and to the module docstring of ``drillctl.report.json_report``.
"""

from __future__ import annotations

import json

import pytest
from report_helpers import NAMES, load

from drillctl.report import json_report
from drillctl.report.json_report import render_json
from drillctl.report.summary import summarize

TOP = set(
    [
        "schema_version",
        "kind",
        "run_id",
        "scenario",
        "title",
        "severity",
        "description",
        "root_cause",
        "runbook",
        "mode",
        "operator",
        "driver",
        "project",
        "seed",
        "blind",
        "drillctl_version",
        "unreadable_lines",
        "result",
        "engine_result",
        "exit_code",
        "reason",
        "issues",
        "at",
        "durations",
        "first_revert_by",
        "faults",
        "signals",
        "alerts",
        "expectations",
        "hypotheses",
        "hypothesis",
        "auto_hypothesis",
        "verdict",
        "evidence",
        "remarks",
        "reveal",
        "unavailable_sources",
        "traffic",
        "jobs_lost",
        "dashboards",
        "dashboard_links",
        "window",
        "timeline",
    ]
)
NESTED: dict[str, list[str]] = {
    "at": [
        "acknowledged",
        "effective",
        "ended",
        "first_revert",
        "hypothesis",
        "injected",
        "recovered",
        "revealed",
        "started",
        "symptom",
    ],
    "durations": [
        "acknowledge_s",
        "detect_s",
        "drill_s",
        "hints_before_hypothesis",
        "hypothesis_drillctl_s",
        "hypothesis_responder_s",
        "hypothesis_s",
        "hypothesis_target_s",
        "hypothesis_unaided_s",
        "hypothesis_within_target",
        "hypothesis_without_hints_s",
        "mitigate_from",
        "mitigate_s",
        "nothing_to_revert",
        "recover_s",
    ],
    "faults": [
        "effective_at",
        "id",
        "index",
        "inject_error",
        "injected_at",
        "left_state",
        "plan",
        "revert_by",
        "revert_error",
        "revert_started_at",
        "reverted_at",
        "todo",
        "took",
        "type",
    ],
    "signals": [
        "baseline",
        "name",
        "no_data",
        "peak",
        "peak_at",
        "recovered_at",
        "rule",
        "samples",
        "spread",
        "symptom_at",
        "symptom_value",
        "unit",
    ],
    "alerts": ["fired_at", "latency_s", "name", "pending_at", "resolved_at", "source"],
    "expectations": ["actual", "at", "detail", "expected", "name", "passed"],
    "hypotheses": ["at", "by", "evidence", "seconds", "text"],
    "verdict": ["at", "by", "keywords_hit", "matched"],
    "evidence": ["at", "items", "kind", "source", "summary"],
    "remarks": ["at", "by", "kind", "text"],
    "reveal": ["at", "details", "scenario"],
    "traffic": ["errors", "ok", "p95_ms_max", "sent"],
    "window": ["from", "to"],
    "timeline": ["at", "text", "type"],
}


def _report(name: str) -> dict:
    return json.loads(render_json(summarize(load(name))))


def test_schema_version_is_one() -> None:
    report = _report("passed-unattended")
    assert report["schema_version"] == json_report.SCHEMA_VERSION == 1
    assert report["kind"] == "drillctl.drill-report"


@pytest.mark.parametrize("name", NAMES)
def test_fields_are_pinned(name: str) -> None:
    report = _report(name)
    assert set(report) == TOP
    for key, fields in NESTED.items():
        value = report[key]
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                assert set(item) == set(fields), key


def test_every_documented_field_is_in_the_docstring() -> None:
    doc = json_report.__doc__ or ""
    missing = sorted(f for f in TOP | set().union(*NESTED.values()) if f"{f}" not in doc)
    assert missing == []


def test_values_are_plain_json_with_utc_instants_and_seconds() -> None:
    report = _report("passed-unattended")
    assert report["at"]["injected"] == "2026-03-02T10:00:33Z"
    assert report["durations"]["detect_s"] == 12.0
    assert report["window"] == {"from": "2026-03-02T10:00:00Z", "to": "2026-03-02T10:02:21Z"}
    assert report["alerts"][0] == {
        "name": "EbitApiDown",
        "source": "prometheus",
        "pending_at": "2026-03-02T10:00:48Z",
        "fired_at": "2026-03-02T10:01:03Z",
        "resolved_at": "2026-03-02T10:01:48Z",
        "latency_s": 30.0,
    }
