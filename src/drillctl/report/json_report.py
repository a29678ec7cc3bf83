"""The JSON report (``report.json``): a stable, versioned schema for tools and CI.

Schema version 1. Top-level object (``tests/unit/report/test_json_contract.py`` pins it; a change
that removes or renames a field needs ``schema_version`` 2, adding a field does not):

- ``schema_version`` (int, 1), ``kind`` ("drillctl.drill-report")
- ``unreadable_lines`` (int): journal lines that could not be read and are left out
- ``run_id``, ``scenario``, ``title``, ``severity``, ``description``, ``root_cause``, ``runbook``,
  ``mode`` ("interactive"|"unattended"), ``operator``, ``driver``, ``project``, ``seed``,
  ``blind`` (bool), ``drillctl_version``
- ``result``: passed | failed | aborted | revert-failed | not-steady | invalid | incomplete
  (interactive run without acknowledgement or hypothesis) | unfinished (no run.ended);
  ``engine_result`` (as journalled), ``exit_code`` (int|null), ``reason``, ``issues`` [str]
- ``at``: {started, injected, effective (the last fault took effect), symptom (the detect mark),
  acknowledged, hypothesis, first_revert, recovered, ended, revealed} — RFC 3339 UTC or null
- ``durations``: {detect_s, acknowledge_s, hypothesis_s (the responder's in an interactive run,
  drillctl's otherwise), hypothesis_responder_s, hypothesis_drillctl_s, hypothesis_target_s
  (600), hypothesis_within_target, hypothesis_unaided_s, hypothesis_without_hints_s,
  hints_before_hypothesis, mitigate_s, mitigate_from (symptom|injection|null),
  nothing_to_revert (bool), recover_s, drill_s} — seconds (float) or null; defined once in
  ``report/figures.py`` and docs/figures.md
- ``first_revert_by``: engine|responder|guardrail|signal|recover|game-master|null
- ``faults`` [{index, id, type, plan, injected_at, effective_at, took, inject_error,
  revert_started_at, revert_by, reverted_at, revert_error, left_state, todo}]
- ``signals`` [{name, unit, baseline, spread, no_data, peak (the sample furthest from the
  baseline: a peak or a low), peak_at, samples, symptom_at, symptom_value, rule, recovered_at}]
- ``alerts`` [{name, source, pending_at, fired_at, resolved_at, latency_s}]
- ``expectations`` [{name, passed, detail, expected, actual, at}]
- ``hypotheses`` [{text, at, by, seconds, evidence}], ``hypothesis`` (the latest or null),
  ``auto_hypothesis`` (drillctl's own or null), ``verdict`` {matched, by, at, keywords_hit}|null
- ``evidence`` [{kind, source, summary, items, at}]
- ``remarks`` [{kind: hint|decision|note|checklist|page|debrief|extend|end-fault, text, by, at}]
- ``reveal`` {scenario, at, details}|null, ``unavailable_sources`` {source: reason},
  ``traffic`` {sent, ok, errors, p95_ms_max}|null, ``jobs_lost`` (float|null)
- ``dashboards`` {title: url} as journalled; ``dashboard_links`` {title: url} for the drill window
- ``window`` {from, to}|null; ``timeline`` [{at, type, text}]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drillctl.core.timeconv import to_rfc3339
from drillctl.report.model import DrillSummary

SCHEMA_VERSION = 1
KIND = "drillctl.drill-report"


def build_report(summary: DrillSummary, links: Mapping[str, str] | None = None) -> dict[str, Any]:
    window = summary.window
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        **summary.model_dump(mode="json"),
        "dashboard_links": dict(links or {}),
        "window": {"from": to_rfc3339(window[0]), "to": to_rfc3339(window[1])} if window else None,
    }


def render_json(summary: DrillSummary, links: Mapping[str, str] | None = None) -> str:
    return json.dumps(build_report(summary, links), indent=2, ensure_ascii=False) + "\n"
