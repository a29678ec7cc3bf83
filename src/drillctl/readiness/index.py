"""The runbook index: the table in ``runbooks/README.md``, one row per runbook, sorted by file.

The table is found by its header (first column ``Runbook``), parsed, changed and written back in
place; the text around it is kept as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drillctl.core import inputs
from drillctl.readiness import markdown

INDEX_NAME = "README.md"
COLUMNS = ["Runbook", "Failure mode", "Scenario"]
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")

NEW_INDEX = """\
# Runbooks

One runbook per failure mode: Symptom, Likely causes, Diagnosis (local and deployed commands),
Fix (with rollback), Prevention. `drillctl runbook new NAME` starts one from `_template.md` and
adds it here; `drillctl runbook lint` checks them all and this index.

"""


@dataclass(frozen=True)
class Entry:
    file: str  # link target, relative to the index
    title: str
    scenario: str
    line: int = 0  # where the row is, when read from a file

    def cells(self) -> list[str]:
        return [f"[{Path(self.file).stem}]({self.file})", self.title, self.scenario]


def find_table(lines: list[markdown.Line]) -> markdown.Table | None:
    for table in markdown.tables(lines):
        if table.columns and table.columns[0].strip().lower() == "runbook":
            return table
    return None


def entry(row: markdown.Row) -> Entry:
    first = row.cells[0] if row.cells else ""
    match = _LINK.search(first)
    target = match.group(2) if match else first.strip("` ")
    cells = [*row.cells, "", ""]
    return Entry(target, cells[1], cells[2], row.line)


def read_entries(index: Path) -> list[Entry]:
    table = find_table(markdown.scan(inputs.read_text(index)))
    return [entry(row) for row in table.rows] if table else []


def upsert(index: Path, new: Entry) -> None:
    """Add or replace the row for ``new.file`` and rewrite the table sorted by file."""
    text = inputs.read_text(index) if index.exists() else NEW_INDEX
    lines = markdown.scan(text)
    table = find_table(lines)
    old = [entry(row) for row in table.rows] if table else []
    entries = sorted([e for e in old if e.file != new.file] + [new], key=lambda e: e.file)
    rendered = markdown.render_table(COLUMNS, [e.cells() for e in entries])
    raw = [line.text for line in lines]
    if table is None:
        raw = [*raw, *([""] if raw and raw[-1].strip() else []), *rendered]
    else:
        raw[table.line - 1 : table.end] = rendered
    index.write_text("\n".join(raw) + "\n", encoding="utf-8")
