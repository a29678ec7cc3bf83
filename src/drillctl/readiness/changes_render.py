"""Renderings of ``drillctl changes``: a terminal table, Markdown, and a versioned JSON envelope
that carries every release, every delta (with its field path) and every migration."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from drillctl.core.envelope import envelope
from drillctl.readiness.api_changes import Changes, Step
from drillctl.readiness.migrations import Migration
from drillctl.readiness.openapi_diff import Delta

SCHEMA_VERSION = 1


def delta_dict(delta: Delta) -> dict[str, Any]:
    return {**asdict(delta), "endpoint": delta.endpoint}


def _migration(m: Migration) -> dict[str, Any]:
    return {"name": m.name, "at": m.at.isoformat(), "sql": m.sql}


def step_dict(step: Step) -> dict[str, Any]:
    return {
        "version": step.release.version,
        "released_at": step.release.at.isoformat(),
        "snapshot": str(step.release.snapshot),
        "previous": step.previous.version if step.previous else None,
        "deltas": [delta_dict(d) for d in step.deltas],
        "migrations": [_migration(m) for m in step.migrations],
    }


def to_json(changes: Changes) -> str:
    data = {
        **envelope("changes", SCHEMA_VERSION),
        "reference": str(changes.reference),
        "version_log": str(changes.log),
        "sha256": changes.sha256,
        "releases": [step_dict(s) for s in changes.steps],
        "unreleased_migrations": [_migration(m) for m in changes.unreleased],
    }
    return json.dumps(data, indent=2)


def _mark(delta: Delta) -> str:
    return "BREAKING" if delta.breaking else ""


def table_rows(changes: Changes) -> list[list[str]]:
    """Version, date, change, endpoint, detail, DTO, breaking; one row per delta or migration."""
    rows = []
    for step in changes.steps:
        head = [step.release.version, f"{step.release.at:%Y-%m-%d}"]
        rows += [[*head, d.kind, d.endpoint, d.detail, d.dto or "", _mark(d)] for d in step.deltas]
        rows += [[*head, "migration", "", m.name, "", ""] for m in step.migrations]
    rows += [["unreleased", "", "migration", "", m.name, "", ""] for m in changes.unreleased]
    return rows


HEADER = ["Version", "Date", "Change", "Endpoint", "Detail", "DTO", "Breaking"]


def markdown(changes: Changes) -> str:
    lines = [f"# API changes ({changes.log.name})", ""]
    for step in changes.steps:
        since = f" (since {step.previous.version})" if step.previous else " (first release)"
        lines += [f"## {step.release.version}, {step.release.at:%Y-%m-%d}{since}", ""]
        lines += [f"- {d.kind}: `{d.endpoint}` {d.detail}{_dto(d)}" for d in step.deltas]
        lines += [f"- migration `{m.name}`" for m in step.migrations]
        if not step.deltas and not step.migrations:
            lines.append("- no API change, no migration")
        lines.append("")
    if changes.unreleased:
        lines += ["## Unreleased migrations", ""]
        lines += [f"- `{m.name}`" for m in changes.unreleased]
    return "\n".join(lines).rstrip() + "\n"


def _dto(delta: Delta) -> str:
    dto = f" ({delta.dto})" if delta.dto else ""
    return dto + (" **breaking**" if delta.breaking else "")
