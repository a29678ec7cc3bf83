"""A suite's result and its reports: one JSON summary, one aggregated JUnit file, one Slack text.

Pure functions of ``SuiteResult``. The JUnit file has one ``testsuite`` per scenario (built by
report/junit.py: a ``testcase`` per expectation, the durations as properties), plus, per
regression, a ``regression:<metric>`` case, failing when ``--fail-on-regression`` is set and
passing with the message in ``system-out`` otherwise. The JSON summary is a versioned envelope
(``"schema": "drillctl.suite/1"``).

Exit code of a suite: the worst of its runs in the order 4 > 2 > 3 > 5 > 1 > 0 (DESIGN.md); with
``--fail-on-regression`` a regression turns an otherwise passing suite into 1.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from drillctl.commands.regression import Regression
from drillctl.report.fmt import seconds
from drillctl.report.junit import testsuite_element
from drillctl.report.model import DrillSummary
from drillctl.report.slack import escape, suite_line

SCHEMA = "drillctl.suite/1"
SEVERITY = (4, 2, 3, 5, 1, 0)  # worst first
TEXT_LIMIT = 3900  # Slack's fallback text is cut at 4000


def worst_exit(codes: Iterable[int]) -> int:
    """The worst exit code in the order 4 > 2 > 3 > 5 > 1 > 0 (an unknown code counts as 2)."""
    ranked = [c if c in SEVERITY else 2 for c in codes]
    return min(ranked, key=SEVERITY.index, default=0)


@dataclass(frozen=True)
class Settled:
    """The settle period before a scenario: how long, and what was still moving at the end."""

    before: str
    seconds: float
    settled: bool
    waiting_for: list[str] = field(default_factory=list)


@dataclass
class ScenarioRun:
    name: str
    exit_code: int
    summary: DrillSummary
    run_dir: Path | None = None
    regressions: list[Regression] = field(default_factory=list)
    compared_with: int = 0  # previous runs in the median
    settle: Settled | None = None


@dataclass
class SuiteResult:
    suite_id: str
    target: str
    started_at: datetime
    ended_at: datetime | None = None
    runs: list[ScenarioRun] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not run: the suite stopped before them
    stopped: str | None = None  # why the suite stopped early
    interrupted: bool = False  # by SIGINT/SIGTERM: the suite counts as aborted (3)
    fail_on_regression: bool = False
    lab_seconds: float | None = None  # bringing the lab up, with --lab

    @property
    def regressions(self) -> list[Regression]:
        return [r for run in self.runs for r in run.regressions]

    @property
    def exit_code(self) -> int:
        codes = [run.exit_code for run in self.runs] + ([3] if self.interrupted else [])
        worst = worst_exit(codes)
        if worst == 0 and self.fail_on_regression and self.regressions:
            return 1
        return worst

    @property
    def result(self) -> str:
        if self.exit_code == 0:
            return "passed"
        return "stopped" if self.stopped else "failed"

    @property
    def wall_s(self) -> float | None:
        return (self.ended_at - self.started_at).total_seconds() if self.ended_at else None


# --- JSON -----------------------------------------------------------------------------------


def render_json(result: SuiteResult) -> str:
    return json.dumps(suite_data(result), indent=2, ensure_ascii=False) + "\n"


def suite_data(result: SuiteResult) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "suite_id": result.suite_id,
        "target": result.target,
        "result": result.result,
        "exit_code": result.exit_code,
        "started_at": result.started_at.isoformat(),
        "ended_at": result.ended_at.isoformat() if result.ended_at else None,
        "wall_s": result.wall_s,
        "lab_s": result.lab_seconds,
        "stopped": result.stopped,
        "skipped": result.skipped,
        "fail_on_regression": result.fail_on_regression,
        "regressions": [r.model_dump(mode="json") for r in result.regressions],
        "scenarios": [_run_data(run) for run in result.runs],
    }


def _run_data(run: ScenarioRun) -> dict[str, Any]:
    s = run.summary
    return {
        "scenario": run.name,
        "run_id": s.run_id,
        "run_dir": str(run.run_dir) if run.run_dir else None,
        "result": s.result,
        "exit_code": run.exit_code,
        "reason": s.reason,
        "durations": s.durations.model_dump(mode="json"),
        "alerts": {a.name: a.latency_s for a in s.alerts if a.fired_at},
        "jobs_lost": s.jobs_lost,
        "expectations": [
            {"name": e.name, "passed": e.passed, "detail": e.detail} for e in s.expectations
        ],
        "regressions": [r.model_dump(mode="json") for r in run.regressions],
        "compared_with": run.compared_with,
        "settle": None if run.settle is None else vars(run.settle),
    }


# --- JUnit ------------------------------------------------------------------------------------


def render_junit(result: SuiteResult, name: str = "drillctl suite") -> str:
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    time = 0.0
    for run in result.runs:
        suite = testsuite_element(run.summary)
        _add_extras(suite, run, result.fail_on_regression)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        time += float(suite.get("time", "0"))
    root.attrib.update({k: str(v) for k, v in totals.items()})
    root.set("time", f"{result.wall_s or time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _add_extras(suite: ET.Element, run: ScenarioRun, failing: bool) -> None:
    props = suite.find("properties")
    if props is not None and run.settle is not None:
        ET.SubElement(props, "property", name="settle_s", value=f"{run.settle.seconds:.1f}")
    if props is not None and run.run_dir is not None:
        ET.SubElement(props, "property", name="run_dir", value=str(run.run_dir))
    classname = f"drillctl.{run.name}"
    for regression in run.regressions:
        case = ET.SubElement(
            suite, "testcase", classname=classname, name=f"regression:{regression.metric}", time="0"
        )
        if failing:
            node = ET.SubElement(case, "failure", message=regression.message, type="regression")
            node.text = regression.message
        else:
            ET.SubElement(case, "system-out").text = f"regression: {regression.message}"
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))


# --- Slack ------------------------------------------------------------------------------------


def render_slack(result: SuiteResult) -> str:
    """One message: a header, a line per scenario (result and key durations), the regressions."""
    passed = sum(1 for run in result.runs if run.exit_code == 0)
    wall = f" in {seconds(result.wall_s)}" if result.wall_s is not None else ""
    lines = [
        f"*Chaos drill suite on {escape(result.target)}: {result.result.upper()}* "
        f"({passed}/{len(result.runs)} passed{wall}, exit {result.exit_code})"
    ]
    for run in result.runs:
        alerts = ", ".join(
            f"{escape(a.name)} {seconds(a.latency_s)}" for a in run.summary.alerts if a.fired_at
        )
        lines.append(suite_line(run.summary) + (f" · alerts: {alerts}" if alerts else ""))
    if result.skipped:
        lines.append(f":warning: not run: {escape(', '.join(result.skipped))}")
    if result.stopped:
        lines.append(f":octagonal_sign: stopped: {escape(result.stopped)}")
    for regression in result.regressions:
        lines.append(
            f":chart_with_downwards_trend: {escape(regression.scenario)}: "
            f"{escape(regression.message)}"
        )
    text = "\n".join(lines) + "\n"
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 2] + "…\n"


def slack_payload(text: str) -> dict[str, Any]:
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def write_suite_reports(
    result: SuiteResult, out_dir: Path, junit: Path | None = None, json_file: Path | None = None
) -> dict[str, Path]:
    """``junit.xml``, ``suite.json`` and ``suite.slack.txt`` in ``out_dir`` (and the --junit /
    --json copies); each written to a temporary name, then renamed."""
    texts = {
        "junit": render_junit(result),
        "json": render_json(result),
        "slack": render_slack(result),
    }
    paths = {
        "junit": out_dir / "junit.xml",
        "json": out_dir / "suite.json",
        "slack": out_dir / "suite.slack.txt",
    }
    extra = {"junit": junit, "json": json_file}
    for key, text in texts.items():
        for path in (paths[key], extra.get(key)):
            if path is not None:
                _write(path, text)
    return paths


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
