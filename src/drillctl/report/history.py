"""The history index: ``<state_dir>/history.sqlite``, one row per archived run.

The index is derived data: every row comes from a run's journal (``index_run``), so it can be
rebuilt from the run directories at any time (``rebuild``), and moved between machines as JSON
lines (``export`` / ``import_``) so a CI job on a fresh clone can restore the previous nights'
history before its suite and save it after. ``previous_runs`` and ``baseline_of`` give the suite
the medians it compares a new run against (regression tracking).

``target`` is the compose project name (``run.started.target.project``); ``driver`` is kept
beside it. Instants are stored as fixed-width RFC 3339 UTC strings, so they sort as text.
Exported lines carry ``"schema": "drillctl.history/1"``; unknown fields from a newer drillctl are
ignored on import, a line that is not a run record is an error naming its line number.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, computed_field

from drillctl.core.errors import DrillError
from drillctl.core.events import RunEnded, first_of
from drillctl.core.journal import JOURNAL_NAME, read_events
from drillctl.report.archive import summarize_run
from drillctl.report.model import DrillSummary

EXPORT_SCHEMA = "drillctl.history/1"
DURATIONS = ("detect_s", "acknowledge_s", "hypothesis_s", "mitigate_s", "recover_s")


class AlertFired(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str
    latency_s: float | None = None


class RunRecord(BaseModel):
    """One run as the history keeps it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    run_id: str
    scenario: str
    operator: str | None = None
    mode: str | None = None
    result: str
    exit_code: int | None = None
    driver: str | None = None
    target: str | None = None
    severity: str | None = None
    blind: bool = False
    started_at: datetime | None = None
    ended_at: datetime | None = None
    detect_s: float | None = None
    acknowledge_s: float | None = None
    hypothesis_s: float | None = None
    mitigate_s: float | None = None
    recover_s: float | None = None
    drill_s: float | None = None
    hypothesis_matched: bool | None = None
    hints: int = 0
    alerts_fired: list[AlertFired] = []
    jobs_lost: float | None = None
    run_dir: str | None = None
    recovered_by: str | None = None  # a killed run's faults reverted later: "drillctl recover"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def result_text(self) -> str:
        """The result in words: "aborted, recovered by drillctl recover" for a killed run."""
        return (
            f"{self.result}, recovered by {self.recovered_by}" if self.recovered_by else self.result
        )


class AlertStats(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fired: int  # in how many of the runs it fired
    runs: int
    median_latency_s: float | None = None


class Baseline(BaseModel):
    """Medians over previous runs, what a new run of the same scenario and target is compared to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    runs: int
    run_ids: list[str] = []
    durations: dict[str, float | None] = {}
    alerts: dict[str, AlertStats] = {}
    jobs_lost: float | None = None


def record_of(summary: DrillSummary, run_dir: Path | None = None) -> RunRecord:
    d = summary.durations
    return RunRecord(
        run_id=summary.run_id,
        scenario=summary.scenario,
        operator=summary.operator,
        mode=summary.mode,
        result=summary.result,
        exit_code=summary.exit_code,
        driver=summary.driver,
        target=summary.project,
        severity=summary.severity,
        blind=summary.blind,
        started_at=summary.at.started,
        ended_at=summary.at.ended,
        **{name: getattr(d, name) for name in DURATIONS},
        drill_s=d.drill_s,
        hypothesis_matched=summary.verdict.matched if summary.verdict else None,
        hints=len(summary.hints),
        alerts_fired=[
            AlertFired(name=a.name, latency_s=a.latency_s) for a in summary.alerts if a.fired_at
        ],
        jobs_lost=summary.jobs_lost,
        run_dir=str(run_dir) if run_dir else None,
        recovered_by=recovered_by(run_dir),
    )


def recovered_by(run_dir: Path | None) -> str | None:
    """Who reverted a killed run's faults, from its ``run.ended`` (the summary does not say)."""
    journal = run_dir / JOURNAL_NAME if run_dir else None
    if journal is None or not journal.is_file():
        return None
    end = first_of(read_events(journal), RunEnded)
    return end.recovered_by if end else None


# --- storage ------------------------------------------------------------------------------------

_COLUMNS = tuple(RunRecord.model_fields)
_INDEXES = """
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario, target, started_at);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at);
"""


def _ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the table, and add the columns a newer drillctl knows to an older index."""
    conn.execute("CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY)")
    present = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
    for column in _COLUMNS:
        if column not in present:
            conn.execute(f"ALTER TABLE runs ADD COLUMN {column}")
    conn.executescript(_INDEXES)


@contextmanager
def connect(db: Path) -> Iterator[sqlite3.Connection]:
    """Open (and create) the index; commits on success, rolls back on error, always closes."""
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(db, timeout=10)) as conn:
            conn.row_factory = sqlite3.Row
            _ensure_schema(conn)
            with conn:
                yield conn
    except sqlite3.DatabaseError as exc:
        raise DrillError(
            f"{db}: history index unusable: {exc}", hint="drillctl history rebuild"
        ) from exc


def _stamp(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if at else None


def _to_row(record: RunRecord) -> tuple[Any, ...]:
    values = record.model_dump()
    values["started_at"], values["ended_at"] = _stamp(record.started_at), _stamp(record.ended_at)
    values["alerts_fired"] = json.dumps([a.model_dump() for a in record.alerts_fired])
    values["blind"] = int(record.blind)
    return tuple(values[c] for c in _COLUMNS)


def _from_row(row: sqlite3.Row) -> RunRecord:
    values = {k: v for k, v in dict(row).items() if v is not None}  # NULL: the field's default
    values["alerts_fired"] = json.loads(values.get("alerts_fired") or "[]")
    return RunRecord.model_validate(values)


def upsert(conn: sqlite3.Connection, records: Sequence[RunRecord]) -> int:
    marks = ", ".join("?" for _ in _COLUMNS)
    sql = f"INSERT OR REPLACE INTO runs ({', '.join(_COLUMNS)}) VALUES ({marks})"
    conn.executemany(sql, [_to_row(r) for r in records])
    return len(records)


# --- the operations the CLI, the engine and the suite call ----------------------------------------


def index_summary(db: Path, summary: DrillSummary, run_dir: Path | None = None) -> RunRecord:
    record = record_of(summary, run_dir)
    with connect(db) as conn:
        upsert(conn, [record])
    return record


def index_run(db: Path, run_dir: Path) -> RunRecord:
    """(Re)index one archived run from its journal."""
    return index_summary(db, summarize_run(run_dir), run_dir)


def rebuild(db: Path, runs_dir: Path, *, clear: bool = False) -> int:
    """Index every ``<runs_dir>/*/journal.jsonl``; ``clear`` drops every row first."""
    run_dirs = (
        sorted(p.parent for p in runs_dir.glob(f"*/{JOURNAL_NAME}")) if runs_dir.is_dir() else []
    )
    records = [record_of(summarize_run(d), d) for d in run_dirs]
    with connect(db) as conn:
        if clear:
            conn.execute("DELETE FROM runs")
        return upsert(conn, records)


def query(
    db: Path,
    *,
    scenario: str | None = None,
    operator: str | None = None,
    result: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    limit: int | None = 50,
) -> list[RunRecord]:
    """Runs matching every given filter, newest first."""
    where, args = _filters(scenario=scenario, operator=operator, result=result, target=target)
    if since is not None:
        where.append("started_at >= ?")
        args.append(_stamp(since))
    if before is not None:
        where.append("started_at < ?")
        args.append(_stamp(before))
    sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY started_at DESC, run_id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with connect(db) as conn:
        return [_from_row(row) for row in conn.execute(sql, args)]


def _filters(**equal: str | None) -> tuple[list[str], list[Any]]:
    where = [f"{column} = ?" for column, value in equal.items() if value is not None]
    return where, [value for value in equal.values() if value is not None]


def previous_runs(
    db: Path,
    scenario: str,
    target: str | None,
    limit: int = 10,
    *,
    before: datetime | None = None,
    exclude_run_id: str | None = None,
    result: str | None = None,
) -> list[RunRecord]:
    """The latest ``limit`` runs of ``scenario`` on ``target`` (before ``before``), newest first."""
    runs = query(db, scenario=scenario, target=target, result=result, before=before, limit=None)
    return [r for r in runs if r.run_id != exclude_run_id][:limit]


def baseline_of(runs: Sequence[RunRecord]) -> Baseline:
    """Median durations, alert firing counts and median alert latencies over ``runs``."""
    names = sorted({a.name for r in runs for a in r.alerts_fired})
    return Baseline(
        runs=len(runs),
        run_ids=[r.run_id for r in runs],
        durations={name: _median([getattr(r, name) for r in runs]) for name in DURATIONS},
        alerts={name: _alert_stats(name, runs) for name in names},
        jobs_lost=_median([r.jobs_lost for r in runs]),
    )


def _alert_stats(name: str, runs: Sequence[RunRecord]) -> AlertStats:
    latencies = [a.latency_s for r in runs for a in r.alerts_fired if a.name == name]
    fired = sum(1 for r in runs if any(a.name == name for a in r.alerts_fired))
    return AlertStats(fired=fired, runs=len(runs), median_latency_s=_median(latencies))


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


# --- moving history between machines -------------------------------------------------------------


def export(db: Path, file: Path) -> int:
    records = query(db, limit=None)
    lines = [
        json.dumps({"schema": EXPORT_SCHEMA, **r.model_dump(mode="json")})
        for r in reversed(records)
    ]
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def import_(db: Path, file: Path) -> int:
    """Upsert every record of an export file; returns how many were read."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DrillError(f"{file}: cannot read: {exc.strerror}") from exc
    records = [
        _parse_line(file, n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()
    ]
    with connect(db) as conn:
        return upsert(conn, records)


def _parse_line(file: Path, number: int, line: str) -> RunRecord:
    try:
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("schema", EXPORT_SCHEMA) != EXPORT_SCHEMA:
            raise ValueError(f"not a {EXPORT_SCHEMA} record")
        return RunRecord.model_validate(data)
    except (ValueError, ValidationError) as exc:
        reason = str(exc).splitlines()[0]
        raise DrillError(f"{file}:{number}: not a history record: {reason}") from exc
