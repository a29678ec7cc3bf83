"""Finding a run directory from what a person types: a run id, a unique prefix, or ``latest``."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from drillctl.core.errors import DrillError
from drillctl.core.journal import JOURNAL_NAME, iter_events


def run_dirs(runs_dir: Path) -> list[Path]:
    """Every run directory that has a journal, oldest first (by its run.started time)."""
    if not runs_dir.is_dir():
        return []
    found = [p.parent for p in runs_dir.glob(f"*/{JOURNAL_NAME}")]
    return sorted(found, key=lambda d: (_started(d), d.name))


def resolve_run(runs_dir: Path, ref: str) -> Path:
    runs = run_dirs(runs_dir)
    if not runs:
        raise DrillError(f"no runs in {runs_dir}", hint="run a drill first, or pass --state-dir")
    if ref == "latest":
        return runs[-1]
    exact = [d for d in runs if d.name == ref]
    matches = exact or [d for d in runs if d.name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DrillError(
            f"no run matches {ref!r} in {runs_dir}", hint="drillctl history lists the runs"
        )
    names = ", ".join(d.name for d in matches[:5])
    raise DrillError(f"{ref!r} matches {len(matches)} runs ({names}...): give more of the id")


def _started(run_dir: Path) -> datetime:
    """The time of the journal's first event; the directory's mtime when the journal is empty."""
    with contextlib.closing(iter_events(run_dir / JOURNAL_NAME)) as events:  # type: ignore[type-var]
        first = next(events, None)
    return first.ts if first else datetime.fromtimestamp(run_dir.stat().st_mtime, UTC)
