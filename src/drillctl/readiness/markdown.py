"""Just enough Markdown for runbooks, the runbook index and escalation matrices.

Headings and pipe tables with their 1-based line numbers, so every finding can say ``FILE:LINE``.
Fenced code blocks are skipped: a ``# comment`` inside a shell block is not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DIVIDER_CELL = re.compile(r"^:?-{3,}:?$")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str
    in_code: bool  # inside a fenced code block (fence lines included)


@dataclass
class Section:
    """A heading and the lines up to the next heading of the same or a higher level."""

    title: str
    level: int
    line: int
    body: list[Line] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(line.text for line in self.body)

    def is_empty(self) -> bool:
        return not any(
            line.text.strip() and not line.text.lstrip().startswith("<!--") for line in self.body
        )


@dataclass(frozen=True)
class Row:
    line: int
    cells: list[str]


@dataclass(frozen=True)
class Table:
    line: int  # the header row
    columns: list[str]
    rows: list[Row]
    end: int  # line number of the last row (or of the divider when there are no rows)


def scan(text: str) -> list[Line]:
    """Every line with its number and whether it sits in a fenced code block."""
    lines: list[Line] = []
    fence: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _FENCE.match(raw)
        if match and fence is None:
            fence = match.group(1)
            lines.append(Line(number, raw, True))
        elif match and match.group(1) == fence:
            fence = None
            lines.append(Line(number, raw, True))
        else:
            lines.append(Line(number, raw, fence is not None))
    return lines


def heading(line: Line) -> tuple[int, str] | None:
    if line.in_code:
        return None
    match = _HEADING.match(line.text)
    return (len(match.group(1)), match.group(2)) if match else None


def sections(lines: list[Line], level: int = 2) -> list[Section]:
    """The sections at ``level`` (``##`` by default); deeper headings stay inside their body."""
    found: list[Section] = []
    for line in lines:
        head = heading(line)
        if head and head[0] <= level:  # a heading at this level or above ends the section
            found.append(Section(head[1], head[0], line.number))
        elif found:
            found[-1].body.append(line)
    return [s for s in found if s.level == level]


def title(lines: list[Line]) -> tuple[int, str] | None:
    """The first ``# Title`` heading: (line, text)."""
    for line in lines:
        head = heading(line)
        if head and head[0] == 1:
            return line.number, head[1]
    return None


def split_row(text: str) -> list[str]:
    body = text.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _is_divider(text: str) -> bool:
    cells = split_row(text)
    return bool(cells) and all(_DIVIDER_CELL.match(c.replace(" ", "")) for c in cells)


def tables(lines: list[Line]) -> list[Table]:
    """Every pipe table outside code blocks: a header row, a divider row, then rows."""
    found: list[Table] = []
    index = 0
    while index < len(lines) - 1:
        head, divider = lines[index], lines[index + 1]
        if _table_start(head, divider):
            rows = _rows(lines, index + 2)
            end = rows[-1].line if rows else divider.number
            found.append(Table(head.number, split_row(head.text), rows, end))
            index = end  # lines are 1-based: this is the line after the table
            continue
        index += 1
    return found


def _table_start(head: Line, divider: Line) -> bool:
    return (
        not head.in_code
        and "|" in head.text
        and not divider.in_code
        and "|" in divider.text
        and _is_divider(divider.text)
    )


def _rows(lines: list[Line], start: int) -> list[Row]:
    rows: list[Row] = []
    for line in lines[start:]:
        if line.in_code or "|" not in line.text or not line.text.strip():
            break
        rows.append(Row(line.number, split_row(line.text)))
    return rows


def render_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    """A pipe table, cells padded to the widest in their column (pipes in cells escaped)."""
    escaped = [[c.replace("|", "\\|") for c in row] for row in [columns, *rows]]
    widths = [
        max(3, *(len(row[i]) if i < len(row) else 0 for row in escaped))
        for i in range(len(columns))
    ]

    def fmt(row: list[str]) -> str:
        padded = [(row[i] if i < len(row) else "").ljust(widths[i]) for i in range(len(columns))]
        return "| " + " | ".join(padded) + " |"

    divider = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return [fmt(escaped[0]), divider, *(fmt(row) for row in escaped[1:])]
