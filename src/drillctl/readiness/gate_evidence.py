"""Verifying the gate: each item's evidence checked now, and the two sign-offs.

- drill: ``<runs_dir>/<run-id>/report.json`` exists with ``schema_version`` 1, ``mode``
  "interactive" and a ``result`` of a drill driven to its end (passed or failed: not aborted,
  not "incomplete" — the report's word for no acknowledgement or hypothesis), the timeline is
  archived next to it, and the journal shows the responder acknowledged. The scenario's severity
  (the report's ``severity``, else the journal's) is P2.
- runbook: the file is lint-clean now (sections, both command forms, no {{TBD}}, indexed).
- escalation matrix: the file has not changed since its clean ``escalation check`` (same
  SHA-256) and its static checks still pass.
- security register, API changelog: a review recorded by ``drillctl security review`` /
  ``drillctl changes`` and copied by ``gate check``; the register (or the reference folder and its
  migrations) still has the reviewed SHA-256, else the item is reopened. A tick from before reviews
  were recorded is shown as "by hand, not verified".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from drillctl.core.events import ResponderAck, RunStarted, first_of
from drillctl.core.journal import JOURNAL_NAME, read_events
from drillctl.readiness.escalation import check_static
from drillctl.readiness.escalation_live import file_sha256
from drillctl.readiness.findings import blockers
from drillctl.readiness.gate import ITEMS, Evidence, Gate, Item
from drillctl.readiness.lint import lint_path
from drillctl.readiness.review_actions import verify_review
from drillctl.readiness.reviews import Kind

RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
ENDED = {"passed", "failed"}  # the drill ran to its end; aborted/invalid/not-steady did not
TIMELINES = ("timeline.md", "timeline.slack.txt")
REVIEWED: dict[str, str] = {  # items verified by a recorded review, and the command recording it
    "security-register": "`drillctl security review`",
    "api-changelog": "`drillctl changes`",
}


@dataclass(frozen=True)
class ItemStatus:
    id: str
    title: str
    done: bool
    problems: list[str]
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.done and not self.problems


@dataclass(frozen=True)
class GateStatus:
    engineer: str
    items: list[ItemStatus]
    signoff: list[str]  # what the sign-off still lacks
    last_no_go: str | None = None
    notes: list[str] = field(default_factory=list)

    def blocking(self) -> list[str]:
        found = [
            f"{i.id}: {p}" for i in self.items for p in (i.problems or ["not done"]) if not i.ok
        ]
        return found + [f"sign-off: {p}" for p in self.signoff]


def verify_run(runs_dir: Path, run_id: str) -> list[str]:
    if not RUN_ID.match(run_id):
        return [f"{run_id!r} is not a run id"]
    run = runs_dir / run_id
    report = _report(run / "report.json")
    if isinstance(report, str):
        return [report]
    problems = _report_problems(report)
    if not any((run / name).is_file() for name in TIMELINES):
        problems.append(f"no archived timeline ({' or '.join(TIMELINES)}) in {run}")
    return problems + _journal_problems(run / JOURNAL_NAME, report.get("severity"))


def _report(path: Path) -> dict[str, Any] | str:
    if not path.is_file():
        return f"no report at {path}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{path}: unreadable report: {exc}"
    return data if isinstance(data, dict) else f"{path}: not a report object"


def _report_problems(report: dict[str, Any]) -> list[str]:
    problems = []
    if report.get("schema_version") != 1:
        problems.append(f"report schema_version {report.get('schema_version')!r}, expected 1")
    if report.get("mode") != "interactive":
        mode = report.get("mode") or "without a mode"
        problems.append(f"the drill ran {mode}: it must be driven interactively")
    if report.get("result") not in ENDED:
        problems.append(f"the drill ended {report.get('result')!r}: not driven to its end")
    return problems


def _journal_problems(path: Path, severity: str | None) -> list[str]:
    if not path.is_file():
        return [f"no journal at {path}"]
    events = read_events(path)
    problems = []
    if first_of(events, ResponderAck) is None:
        problems.append("the journal has no responder acknowledgement")
    started = first_of(events, RunStarted)
    journalled = started.scenario.get("severity") if started else None
    severity = severity or journalled or "P2"
    if severity != "P2":
        problems.append(f"the scenario is {severity}: the gate asks for a simulated P2")
    return problems


def verify_runbook(path: Path) -> list[str]:
    if not path.is_file():
        return [f"{path} does not exist"]
    return [str(f) for f in lint_path(path)]


def verify_matrix(path: Path, evidence: dict[str, str]) -> list[str]:
    if not path.is_file():
        return [f"{path} does not exist"]
    if file_sha256(path) != evidence.get("sha256"):
        again = "`drillctl gate check escalation-matrix` again"
        return [f"{path} changed since it was validated: run {again}"]
    _, found = check_static(path)
    return [str(f) for f in blockers(found)]


def item_status(gate: Gate, item_id: str, base: Path, runs_dir: Path) -> ItemStatus:
    spec, item = ITEMS[item_id], gate.item(item_id)
    if not item.done:
        return ItemStatus(item_id, spec.title, False, [_how_to(item_id)])
    problems = _evidence_problems(item_id, item, base, runs_dir)
    if spec.note and not (item.note or "").strip():
        problems.append(f"no {spec.note} recorded")
    return ItemStatus(item_id, spec.title, True, problems, _detail(item))


def _evidence_problems(item_id: str, item: Item, base: Path, runs_dir: Path) -> list[str]:
    kind, evidence = ITEMS[item_id].evidence, item.evidence
    if kind is None:
        return []
    if kind in REVIEWED:
        return _review_problems(kind, evidence, base)
    key = {"run": "run_id", "runbook": "path", "matrix": "file"}[kind]
    if not evidence.get(key):
        return [f"no evidence recorded ({key})"]
    if kind == "run":
        return verify_run(runs_dir, evidence["run_id"])
    if kind == "runbook":
        return verify_runbook(base / evidence["path"])
    return verify_matrix(base / evidence["file"], evidence)


def _review_problems(kind: Evidence, evidence: dict[str, str], base: Path) -> list[str]:
    """A hand tick from before reviews were recorded is kept, but it verifies nothing."""
    if not evidence.get("sha256"):
        return [f"by hand, not verified: {REVIEWED[kind]}, then `drillctl gate check {kind}`"]
    return verify_review(cast(Kind, kind), base, evidence)


def _how_to(item_id: str) -> str:
    option = {"run": " --run RUN_ID", "runbook": " --runbook PATH", "matrix": " --matrix FILE"}
    spec = ITEMS[item_id]
    extra = option.get(spec.evidence or "", "") + (' --note "..."' if spec.note else "")
    first = f"{REVIEWED[spec.evidence]}, then " if spec.evidence in REVIEWED else ""
    return f"not done: {first}`drillctl gate check {item_id}{extra}`"


def _detail(item: Item) -> str:
    when = item.at.strftime("%Y-%m-%d %H:%M UTC") if item.at else "?"
    shown = ", ".join(f"{k} {v}" for k, v in item.evidence.items() if k != "sha256")
    return "; ".join(p for p in (shown, f"by {item.by or '?'} at {when}", item.note or "") if p)


def signoff_problems(gate: Gate) -> list[str]:
    by_role = {s.role: s for s in gate.signatures if s.decision == "go"}
    problems = []
    engineer = by_role.get("engineer")
    if engineer is None:
        problems.append(f"no go from the engineer ({gate.engineer})")
    elif engineer.name.casefold() != gate.engineer.casefold():
        problems.append(f"the engineer's go is signed by {engineer.name}, not {gate.engineer}")
    oncall = by_role.get("on-call")
    if oncall is None:
        problems.append("no go from an experienced on-call")
    elif oncall.name.casefold() == gate.engineer.casefold():
        problems.append("the on-call sign-off must come from someone other than the engineer")
    return problems


def status(gate: Gate, base: Path, runs_dir: Path) -> GateStatus:
    items = [item_status(gate, item_id, base, runs_dir) for item_id in ITEMS]
    no_go = next((h.event for h in reversed(gate.history) if h.event.startswith("no-go")), None)
    return GateStatus(gate.engineer, items, signoff_problems(gate), no_go)
