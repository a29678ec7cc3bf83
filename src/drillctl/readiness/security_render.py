"""Renderings of a security review: terminal text, Slack mrkdwn, Markdown and a JSON envelope.

Pending findings are sensitive. ``full=False`` renderings (Slack text, and Markdown or JSON on
standard output, which end up pasted or archived by CI) carry a pending finding's id, category,
score and status only, never its title, body or source line; the problems found about it say
what is wrong (``source-moved``) without the path. The full list goes to the terminal (text) or
to a file the user names.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from drillctl.core.envelope import envelope
from drillctl.readiness.findings import Finding
from drillctl.readiness.reviews import Review, missing_notes
from drillctl.readiness.security_register import SecurityFinding
from drillctl.readiness.security_review import SecurityReview

SCHEMA_VERSION = 1


def finding_dict(finding: SecurityFinding, full: bool) -> dict[str, Any]:
    safe = {
        "id": finding.id,
        "category": finding.category,
        "oncall_category": finding.oncall_category,
        "score": finding.score,
        "status": finding.status,
        "pending": finding.pending,
    }
    if finding.pending and not full:
        return safe
    extra = {"title": finding.title, "source": finding.source, "body": finding.body}
    return {**safe, **extra, "fix": finding.fix, "line": finding.line}


def problem_text(problem: Finding, review: SecurityReview, full: bool) -> str:
    return str(_shown_problem(problem, review, full))


def _shown_problem(problem: Finding, review: SecurityReview, full: bool) -> Finding:
    pending = {f.id for f in review.register.findings if f.pending}
    fid = problem.message.split(":", 1)[0]
    if full or fid not in pending:
        return problem
    return Finding(
        problem.file, problem.line, problem.code, f"{fid}: {problem.code}", problem.level
    )


def to_json(review: SecurityReview, record: Review, full: bool) -> str:
    data = {
        **envelope("security-review", SCHEMA_VERSION),
        "register": str(review.register.path),
        "sha256": review.sha256,
        "findings": [finding_dict(f, full) for f in review.register.findings],
        "problems": [asdict(_shown_problem(p, review, full)) for p in review.problems],
        "raise": {
            category: [finding_dict(f, full) for f in found]
            for category, found in review.by_category().items()
        },
        "review": _record_dict(record, full),
    }
    return json.dumps(data, indent=2)


def _record_dict(record: Review, full: bool) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    if not full:  # a note about a pending finding can quote it
        data["notes"] = {fid: "(noted)" for fid, note in record.notes.items() if note.strip()}
    return data


def _line(finding: SecurityFinding, full: bool) -> str:
    base = f"{finding.id}  {finding.score:g}  {finding.category}"
    return f"{base}  {finding.title}  ({finding.source})" if full else base


def text_lines(review: SecurityReview, record: Review, full: bool = True) -> list[str]:
    lines = [problem_text(p, review, full) for p in review.problems]
    lines += _raise_lines(review, full, bullet="  ")
    if not full:
        lines.append(
            "(titles and sources of pending findings withheld: not a terminal; --output FILE)"
        )
    return [*lines, *footer(review, record)]


def _raise_lines(review: SecurityReview, full: bool, bullet: str) -> list[str]:
    groups = review.by_category()
    if not groups:
        return ["Nothing to raise: no pending finding with a clean fix path."]
    lines = ["To raise with the team lead (pending, with a clean fix path):"]
    for category, found in groups.items():
        lines.append(f"{category}:")
        lines += [f"{bullet}{_line(f, full)}" for f in found]
    return lines


def footer(review: SecurityReview, record: Review) -> list[str]:
    total = review.register.findings
    pending = sum(1 for f in total if f.pending)
    lines = [
        f"{len(total)} findings, {pending} pending, {len(review.raised)} to raise; "
        f"{len(review.problems)} problem(s) in the register",
        f"review recorded: {record.by} at {record.at.isoformat()} (sha256 {record.sha256[:12]})",
    ]
    unnoted = missing_notes(record)
    if unnoted:
        lines.append(f'no note yet for {", ".join(unnoted)}: --note {unnoted[0]} "..."')
    return lines


def slack_text(review: SecurityReview, record: Review) -> str:
    """mrkdwn to paste: ids, categories and scores only, whatever the finding."""
    lines = [f"*Security register review* ({record.by}, {record.at:%Y-%m-%d %H:%M} UTC)"]
    for category, found in review.by_category().items():
        ids = ", ".join(f"`{f.id}` ({f.score:g})" for f in found)
        lines.append(f"• *{category}*: {ids}")
    if not review.by_category():
        lines.append("• nothing to raise: no pending finding with a clean fix path")
    lines.append(f"_{len(review.register.findings)} findings, {len(review.raised)} to raise_")
    return "\n".join(lines)


def markdown(review: SecurityReview, record: Review, full: bool) -> str:
    lines = [f"# Security register review ({record.at:%Y-%m-%d})", "", f"By {record.by}.", ""]
    lines += ["| ID | Category | Score | Title | Source | Note |", "|---|---|---|---|---|---|"]
    for finding in review.raised:
        title = finding.title if full else "(pending: see the register)"
        source = finding.source if full else ""
        note = (
            record.notes.get(finding.id, "")
            if full
            else ("noted" if finding.id in record.notes else "")
        )
        cells = [finding.id, finding.category, f"{finding.score:g}", title, source, note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
