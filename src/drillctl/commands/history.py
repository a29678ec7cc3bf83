"""``drillctl history``: past runs from the SQLite index, as result objects the CLI renders.

``history(...)`` returns a ``HistoryListing``; ``--format json`` prints its envelope:
``{"schema_version": 1, "kind": "drillctl.history", "filters": {...}, "runs": [every column]}``.
``export_runs``, ``import_runs`` and ``rebuild`` move the index between machines and re-read the
run directories. The index itself is ``drillctl.report.history``; it loads the report stack, so
each function imports it when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drillctl.core.envelope import envelope

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.report.history import RunRecord

KIND = "history"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class HistoryFilters:
    scenario: str | None = None
    operator: str | None = None
    result: str | None = None
    target: str | None = None  # the compose project
    since: datetime | None = None
    limit: int = 20


@dataclass(frozen=True)
class HistoryListing:
    filters: HistoryFilters
    runs: list[RunRecord]  # newest first

    def as_json(self) -> dict[str, Any]:
        given = {k: v for k, v in vars(self.filters).items() if v is not None}
        if self.filters.since is not None:
            given["since"] = self.filters.since.isoformat()
        runs = [r.model_dump(mode="json") for r in self.runs]
        return envelope(KIND, SCHEMA_VERSION, filters=given, runs=runs)


@dataclass(frozen=True)
class IndexChange:
    """What ``export``, ``import`` and ``rebuild`` did: how many runs, and which file or folder."""

    count: int
    path: Path


def history(*, context: Context, filters: HistoryFilters) -> HistoryListing:
    from drillctl.report import history as index

    runs = index.query(
        context.history_db,
        scenario=filters.scenario,
        operator=filters.operator,
        result=filters.result,
        target=filters.target,
        since=filters.since,
        limit=filters.limit,
    )
    return HistoryListing(filters, runs)


def export_runs(*, context: Context, file: Path) -> IndexChange:
    from drillctl.report import history as index

    return IndexChange(index.export(context.history_db, file), file)


def import_runs(*, context: Context, file: Path) -> IndexChange:
    from drillctl.report import history as index

    return IndexChange(index.import_(context.history_db, file), file)


def rebuild(*, context: Context, clear: bool) -> IndexChange:
    from drillctl.report import history as index

    count = index.rebuild(context.history_db, context.runs_dir, clear=clear)
    return IndexChange(count, context.runs_dir)
