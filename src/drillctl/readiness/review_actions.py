"""The work of ``security review`` and ``changes`` for the thin CLI, and the gate's view of them.

Each run of ``drillctl security review`` (and each un-narrowed ``drillctl changes``) records a
review in the state dir; ``gate check security-register|api-changelog`` copies the recorded review
into the gate item after checking that it is of the same input, unchanged since; ``gate status``
re-checks the hash every time, so an edited register or a new snapshot reopens the item.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from drillctl.context import Context
from drillctl.core.errors import DrillError
from drillctl.readiness import api_changes
from drillctl.readiness.escalation_live import file_sha256
from drillctl.readiness.reviews import Kind, Review, load_review, missing_notes, save_review
from drillctl.readiness.security_register import SecurityFinding
from drillctl.readiness.security_review import SecurityReview, review

Ask = Callable[[SecurityFinding], str]  # asks the user for a pending finding's note


def security_review(
    context: Context,
    register: Path,
    repo: Path,
    *,
    notes: Mapping[str, str],
    by: str,
    ask: Ask | None = None,
) -> tuple[SecurityReview, Review]:
    result = review(register, repo)
    known = {f.id for f in result.register.findings}
    unknown = sorted(set(notes) - known)
    if unknown:
        raise DrillError(f"--note {unknown[0]}: no such finding in {register}")
    kept = _earlier_notes(context, register)
    merged = {**kept, **{k: v for k, v in notes.items() if v.strip()}}
    for finding in result.raised:
        if ask is not None and not merged.get(finding.id, "").strip():
            merged[finding.id] = ask(finding).strip()
    record = Review(
        kind="security-register",
        path=str(register.resolve()),
        sha256=result.sha256,
        by=by,
        at=context.clock.now(),
        notes={k: v for k, v in merged.items() if v},
        pending=[f.id for f in result.raised],
        summary=f"{len(result.register.findings)} findings, {len(result.raised)} to raise",
    )
    save_review(context.state_dir, record)
    return result, record


def _earlier_notes(context: Context, register: Path) -> dict[str, str]:
    """Notes of the previous review of the same register: a re-review keeps what was discussed."""
    earlier = load_review(context.state_dir, "security-register")
    return dict(earlier.notes) if earlier and earlier.path == str(register.resolve()) else {}


def changes_review(
    context: Context, reference: Path, migrations: Path | None, *, by: str, record: bool
) -> tuple[api_changes.Changes, Review | None]:
    changes = api_changes.read_changes(reference, migrations)
    if not record:
        return changes, None
    versions = [s.release.version for s in changes.steps]
    saved = Review(
        kind="api-changelog",
        path=str(reference.resolve()),
        sha256=changes.sha256,
        by=by,
        at=context.clock.now(),
        summary=f"versions {', '.join(versions)}",
        migrations=str(migrations.resolve()) if migrations else None,
    )
    save_review(context.state_dir, saved)
    return changes, saved


# -- the gate ----------------------------------------------------------------------------------


def gate_evidence(
    context: Context, kind: Kind, given: Path | None, base: Path
) -> tuple[dict[str, str], list[str]]:
    """The evidence ``gate check`` records for a reviewed item, and what keeps it from holding."""
    recorded = load_review(context.state_dir, kind)
    command = "security review" if kind == "security-register" else "changes"
    if recorded is None:
        return {}, [f"no review recorded: run `drillctl {command}` first"]
    path = Path(recorded.path)
    if given is not None and given.resolve() != path:
        return {}, [f"the recorded review is of {path}, not {given}: run `drillctl {command}`"]
    evidence = {
        "path": _relative(path, base),
        "sha256": recorded.sha256,
        "reviewed_by": recorded.by,
        "reviewed_at": recorded.at.isoformat(),
    }
    if kind == "api-changelog":
        migrations = recorded.migrations
        evidence["migrations"] = _relative(Path(migrations), base) if migrations else ""
    else:
        evidence["pending"] = " ".join(recorded.pending)
    problems = verify_review(kind, base, evidence)
    problems += [
        f'no note for {fid}: `drillctl security review --note {fid} "..."`'
        for fid in missing_notes(recorded)
    ]
    return evidence, problems


def verify_review(kind: Kind, base: Path, evidence: Mapping[str, str]) -> list[str]:
    """Is the reviewed input still what was reviewed? (``gate status`` asks every time.)"""
    path = base / evidence.get("path", "")
    if not evidence.get("path") or not path.exists():
        return [f"{path} does not exist"]
    if kind == "security-register":
        now = file_sha256(path)
    else:
        migrations = evidence.get("migrations")
        now = api_changes.reference_sha256(path, base / migrations if migrations else None)
    if now != evidence.get("sha256"):
        command = "security review" if kind == "security-register" else "changes"
        return [
            f"{path} changed since it was reviewed: reopened; run `drillctl {command}` and "
            f"`drillctl gate check {kind}` again"
        ]
    return []


def _relative(path: Path, base: Path) -> str:
    return os.path.relpath(path, base)
