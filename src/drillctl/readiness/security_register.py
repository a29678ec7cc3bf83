"""The security register (``security-register.md``): one Markdown table, one finding per row.

Columns are matched by name, case-insensitively and in any order, under the names teams use for
them (``Status`` or ``Mitigation``, ``Source`` or ``Location``...). Required: id, title,
category, score, status, source. Optional: body (a link to the customer-safe write-up under
``security-findings/``) and fix (the fix path; a pending finding whose fix column says "none" or
"unknown" has no clean fix path). A row that cannot be read is a located error
(``FILE:LINE:COL``), never a silently dropped finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drillctl.core.errors import Problem, ScenarioError
from drillctl.readiness.md_tables import Row, Table, column_key, find_columns, tables

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Finding", "Finding ID", "Ref"),
    "title": ("Title", "Summary", "Name", "Finding title"),
    "category": ("Category", "Area", "Component"),
    "score": ("Score", "CVSS", "Risk score", "Risk"),
    "status": ("Status", "Mitigation", "State", "Mitigation status"),
    "source": ("Source", "Location", "Source link", "Link", "File", "Code"),
    "body": ("Body", "Details", "Write-up", "Writeup", "Advisory"),
    "fix": ("Fix", "Fix path", "Remediation", "Clean fix"),
}
REQUIRED = ("id", "title", "category", "score", "status", "source")
# the categories that matter on call (issue 22), matched as prefixes: "Auth" covers "Authentication"
ONCALL_CATEGORIES = ("Auth", "Bet pipeline", "Wallet", "Admin")
PENDING_WORDS = ("pending", "open", "unmitigated", "todo")
NO_FIX = {"", "-", "none", "no", "unknown", "unclear", "n/a", "tbd"}
_ID = re.compile(r"^[A-Z][A-Z0-9]*-\d+$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class SecurityFinding:
    id: str
    title: str
    category: str
    score: float
    status: str
    source: str  # the link target (or the text) of the source cell
    line: int  # the row's line in the register
    source_col: int
    body: str | None = None
    body_col: int = 1
    fix: str | None = None

    @property
    def pending(self) -> bool:
        return any(word in self.status.casefold() for word in PENDING_WORDS)

    @property
    def clean_fix(self) -> bool:
        first = re.split(r"[\s:;,.]+", (self.fix or "").strip().casefold(), maxsplit=1)[0]
        return self.fix is None or first not in NO_FIX

    @property
    def oncall_category(self) -> str | None:
        folded = self.category.casefold()
        return next((c for c in ONCALL_CATEGORIES if folded.startswith(c.casefold())), None)


@dataclass(frozen=True)
class Register:
    path: Path
    findings: list[SecurityFinding]


def load_register(path: Path) -> Register:
    text = _read(path)
    table = _findings_table(tables(text), str(path))
    columns = find_columns(table, COLUMNS, REQUIRED, str(path))
    findings, problems = [], []
    for row in table.rows:
        try:
            findings.append(_finding(row, columns, str(path)))
        except ScenarioError as exc:
            problems += exc.problems
    problems += _duplicates(findings, str(path))
    if problems:
        raise ScenarioError(problems)
    return Register(path, findings)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), 1, 1, "", f"cannot read: {exc}")]) from exc


def _findings_table(found: list[Table], file: str) -> Table:
    ids = {column_key(alias) for alias in COLUMNS["id"]}
    for table in found:
        if any(column_key(c.text) in ids for c in table.header.cells):
            return table
    where = found[0].line if found else 1
    accepted = ", ".join(COLUMNS["id"])
    raise ScenarioError([Problem(file, where, 1, "", f"no findings table (a column {accepted})")])


def _text(row: Row, columns: dict[str, int], name: str) -> str:
    return row.cell(columns[name]).text if name in columns else ""


def _finding(row: Row, columns: dict[str, int], file: str) -> SecurityFinding:
    def located(name: str, message: str) -> ScenarioError:
        col = row.cell(columns[name]).col
        return ScenarioError([Problem(file, row.line, col, name, message)])

    fid = _text(row, columns, "id")
    if not _ID.match(fid):
        raise located("id", f"{fid!r} is not a finding id like SF-007")
    for name in ("title", "category", "status", "source"):
        if not _text(row, columns, name):
            raise located(name, f"{fid}: empty {name}")
    score = _NUMBER.search(_text(row, columns, "score"))
    if score is None:
        raise located("score", f"{fid}: score {_text(row, columns, 'score')!r} is not a number")
    return _build(row, columns, float(score.group()))


def _build(row: Row, columns: dict[str, int], score: float) -> SecurityFinding:
    source, body = row.cell(columns["source"]), _optional(row, columns, "body")
    return SecurityFinding(
        id=_text(row, columns, "id"),
        title=_text(row, columns, "title"),
        category=_text(row, columns, "category"),
        score=score,
        status=_text(row, columns, "status"),
        source=source.hrefs[0] if source.hrefs else source.text,
        line=row.line,
        source_col=source.col,
        body=body[0] if body else None,
        body_col=body[1] if body else 1,
        fix=_text(row, columns, "fix") if "fix" in columns else None,
    )


def _optional(row: Row, columns: dict[str, int], name: str) -> tuple[str, int] | None:
    if name not in columns:
        return None
    cell = row.cell(columns[name])
    target = cell.hrefs[0] if cell.hrefs else cell.text
    return (target, cell.col) if target.strip().casefold() not in NO_FIX else None


def _duplicates(findings: list[SecurityFinding], file: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for finding in findings:
        if finding.id in seen:
            message = f"{finding.id} also on line {seen[finding.id]}"
            problems.append(Problem(file, finding.line, 1, "id", message))
        seen.setdefault(finding.id, finding.line)
    return problems
