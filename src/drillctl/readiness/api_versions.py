"""The version log of an API reference: which versions were released when, and their snapshots.

The log is a Markdown file at the top of the reference folder, written either as a table
(``Version | Date | Snapshot``, headers matched case-insensitively in any order, Snapshot
optional) or as one heading per version (``## 1.2.0 (2026-10-14)``, ``## [1.2.0] - 2026-10-14``).
Without a Snapshot column, the snapshot is the file named after the version (``v1.2.0.yaml``,
``1.2.0.json``, ``openapi-1.2.0.yml``) anywhere under the folder. A date without a time means the
end of that day, UTC: a migration dated that day shipped with that release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from drillctl.core.errors import Problem, ScenarioError
from drillctl.readiness.md_tables import Table, column_key, find_columns, headings, tables
from drillctl.readiness.openapi_load import SUFFIXES

COLUMNS: dict[str, tuple[str, ...]] = {
    "version": ("Version", "Release", "Tag"),
    "date": ("Date", "Released", "Release date", "Shipped"),
    "snapshot": ("Snapshot", "File", "Spec", "OpenAPI"),
}
_HEADING = re.compile(
    r"^\[?v?(?P<version>\d+(?:\.\d+){1,2}[\w.-]*?)\]?\s*[-\u2014\u2013(:]*\s*"
    r"(?P<date>\d{4}-\d{2}-\d{2}(?:[T ][\d:]+Z?)?)\)?"
)


@dataclass(frozen=True)
class Release:
    version: str
    at: datetime
    snapshot: Path
    line: int  # where the log names it


def find_log(reference: Path) -> Path:
    for path in sorted(reference.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if _log_table(tables(text)) is not None or any(
            _HEADING.match(h.text) for h in headings(text)
        ):
            return path
    raise ScenarioError(
        [Problem(str(reference), 1, 1, "", "no version log (a Markdown file naming versions)")]
    )


def load_releases(reference: Path) -> tuple[Path, list[Release]]:
    log = find_log(reference)
    text = log.read_text(encoding="utf-8")
    table = _log_table(tables(text))
    found = _from_table(table, log, reference) if table else _from_headings(text, log, reference)
    return log, sorted(found, key=lambda r: r.at)


def _log_table(found: list[Table]) -> Table | None:
    wanted = {column_key(a) for a in COLUMNS["version"]}
    return next(
        (t for t in found if any(column_key(c.text) in wanted for c in t.header.cells)), None
    )


def _from_table(table: Table, log: Path, reference: Path) -> list[Release]:
    columns = find_columns(table, COLUMNS, ("version", "date"), str(log))
    releases = []
    for row in table.rows:
        version = row.cell(columns["version"]).text.lstrip("v")
        date_cell = row.cell(columns["date"])
        at = _when(date_cell.text, str(log), row.line, date_cell.col)
        named = row.cell(columns["snapshot"]) if "snapshot" in columns else None
        given = (named.hrefs[0] if named.hrefs else named.text) if named else ""
        snapshot = _snapshot(reference, log, version, given, row.line)
        releases.append(Release(version, at, snapshot, row.line))
    return releases


def _from_headings(text: str, log: Path, reference: Path) -> list[Release]:
    releases = []
    for heading in headings(text):
        match = _HEADING.match(heading.text)
        if match:
            at = _when(match.group("date"), str(log), heading.line, 1)
            snapshot = _snapshot(reference, log, match.group("version"), "", heading.line)
            releases.append(Release(match.group("version"), at, snapshot, heading.line))
    return releases


def _when(text: str, file: str, line: int, col: int) -> datetime:
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time.max, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ScenarioError(
            [Problem(file, line, col, "date", f"{text!r} is not a date (YYYY-MM-DD)")]
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _snapshot(reference: Path, log: Path, version: str, given: str, line: int) -> Path:
    if given:
        path = log.parent / given
        candidates = [path] if path.is_file() else []
    else:
        candidates = [
            p
            for p in sorted(reference.rglob("*"))
            if p.suffix in SUFFIXES and re.search(rf"(^|[^\d.])v?{re.escape(version)}$", p.stem)
        ]
    if not candidates:
        wanted = given or f"v{version}.yaml (or .yml, .json)"
        raise ScenarioError([Problem(str(log), line, 1, "snapshot", f"{version}: no {wanted}")])
    return candidates[0]
