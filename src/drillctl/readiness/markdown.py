"""Just enough Markdown for runbooks, the runbook index and escalation matrices.

The block structure comes from markdown-it-py (CommonMark): which lines are headings (ATX and
setext), fenced or indented code (nested fences included) and HTML blocks, each with its 1-based
line number, so every finding can say ``FILE:LINE``. A ``# comment`` inside a shell block or an
HTML block is not a heading, and a table inside either is not a table. Pipe tables are then read
from the lines outside code and HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_DIVIDER_CELL = re.compile(r"^:?-{3,}:?$")
_PARSER = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str
    in_code: bool  # inside a fenced or indented code block (fence lines included)
    in_html: bool = False  # inside an HTML block (comments included)
    head: tuple[int, str] | None = None  # (level, title) on a heading's first line
    in_heading: bool = False  # a heading line that is not its first (a setext underline)


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
        return not any(line.text.strip() and not line.in_html for line in self.body)


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


@dataclass
class _Blocks:
    code: set[int] = field(default_factory=set)  # 0-based line indexes
    html: set[int] = field(default_factory=set)
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)
    heading_rest: set[int] = field(default_factory=set)


def _blocks(text: str) -> _Blocks:
    found = _Blocks()
    tokens = _PARSER.parse(text)
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        start, end = token.map
        if token.type in ("fence", "code_block"):
            found.code.update(range(start, end))
        elif token.type == "html_block":
            found.html.update(range(start, end))
        elif token.type == "heading_open":
            found.heads[start] = (int(token.tag[1]), tokens[index + 1].content.strip())
            found.heading_rest.update(range(start + 1, end))
    return found


def scan(text: str) -> list[Line]:
    """Every line with its number and the block it belongs to (code, HTML, heading)."""
    blocks = _blocks(text)
    return [
        Line(
            number=index + 1,
            text=raw,
            in_code=index in blocks.code,
            in_html=index in blocks.html,
            head=blocks.heads.get(index),
            in_heading=index in blocks.heading_rest,
        )
        for index, raw in enumerate(_split(text))
    ]


def _split(text: str) -> list[str]:
    """Lines as CommonMark counts them (only ``\n`` ends a line; no empty line after the last)."""
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def heading(line: Line) -> tuple[int, str] | None:
    return line.head


def sections(lines: list[Line], level: int = 2) -> list[Section]:
    """The sections at ``level`` (``##`` by default); deeper headings stay inside their body."""
    found: list[Section] = []
    for line in lines:
        head = heading(line)
        if head and head[0] <= level:  # a heading at this level or above ends the section
            found.append(Section(head[1], head[0], line.number))
        elif found and not line.in_heading:
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
        _plain(head)
        and "|" in head.text
        and _plain(divider)
        and "|" in divider.text
        and _is_divider(divider.text)
    )


def _plain(line: Line) -> bool:
    return not (line.in_code or line.in_html)


def _rows(lines: list[Line], start: int) -> list[Row]:
    rows: list[Row] = []
    for line in lines[start:]:
        if not _plain(line) or "|" not in line.text or not line.text.strip():
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
