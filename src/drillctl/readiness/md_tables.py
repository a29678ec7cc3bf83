"""Pipe tables and headings of a Markdown file through markdown-it-py, with 1-based locations.

markdown-it-py's own GFM table rule (``MarkdownIt("commonmark").enable("table")``) decides what a
table is, so escaped pipes, code spans and tables inside lists read as a Markdown viewer shows them.
Its token line maps give each row's line; the column of a cell is found in that source line, so a
problem in one cell can be reported as ``FILE:LINE:COL``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from drillctl.core.errors import Problem, ScenarioError

_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Cell:
    text: str  # the cell as plain text (markup removed, code spans kept as their text)
    col: int  # 1-based column of the cell's first character in its source line
    hrefs: tuple[str, ...] = ()  # link targets in the cell


@dataclass(frozen=True)
class Row:
    line: int
    cells: list[Cell]

    def cell(self, index: int) -> Cell:
        return self.cells[index] if index < len(self.cells) else Cell("", 1)


@dataclass(frozen=True)
class Table:
    line: int  # the header row
    header: Row
    rows: list[Row]


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def tables(text: str) -> list[Table]:
    """Every pipe table of the document, in order."""
    lines = text.splitlines()
    found: list[Table] = []
    rows: list[Row] = []
    for row_tokens in _rows(_parser().parse(text)):
        start, cells = row_tokens
        row = Row(start + 1, _cells(cells, lines[start] if start < len(lines) else ""))
        if cells and cells[0] == "th":
            rows = []
            found.append(Table(row.line, row, rows))
        else:
            rows.append(row)
    return found


def _rows(tokens: list[Token]) -> list[tuple[int, list[Token | str]]]:
    """(0-based line, [kind of first cell, inline token per cell]) for each table row."""
    out: list[tuple[int, list[Token | str]]] = []
    for token in tokens:
        if token.type == "tr_open" and token.map:
            out.append((token.map[0], []))
        elif token.type in ("th_open", "td_open") and out and not out[-1][1]:
            out[-1][1].append(token.type[:2])
        elif token.type == "inline" and out and out[-1][1] and _in_row(token, out[-1][0]):
            out[-1][1].append(token)
    return out


def _in_row(token: Token, line: int) -> bool:
    return token.map is not None and token.map[0] == line


def _cells(tokens: list[Token | str], source: str) -> list[Cell]:
    columns = _columns(source)
    inline = [t for t in tokens if isinstance(t, Token)]
    return [
        Cell(_plain(t), columns[i] if i < len(columns) else 1, _hrefs(t))
        for i, t in enumerate(inline)
    ]


def _columns(source: str) -> list[int]:
    """1-based column of each cell's first character in a pipe-table source line (an empty
    cell: the blank after its pipe)."""
    starts = [0] if not source.lstrip().startswith("|") else []
    starts += [m.end() for m in _PIPE.finditer(source)]
    ends = [*starts[1:], len(source) + 1]
    cols = []
    for start, end in zip(starts, ends, strict=True):
        segment = source[start : max(start, end - 1)]
        blank = len(segment) - len(segment.lstrip())
        cols.append(start + 1 + (blank if segment.strip() else min(1, len(segment))))
    return cols


def _plain(token: Token) -> str:
    parts = [c.content for c in token.children or [] if c.type in ("text", "code_inline")]
    return "".join(parts).strip() if token.children else token.content.strip()


def _hrefs(token: Token) -> tuple[str, ...]:
    return tuple(
        str(c.attrs.get("href", "")) for c in token.children or [] if c.type == "link_open"
    )


def headings(text: str) -> list[Heading]:
    tokens = _parser().parse(text)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            inline = tokens[index + 1]
            found.append(Heading(token.map[0] + 1, int(token.tag[1:]), _plain(inline)))
    return found


def column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip()


def find_columns(
    table: Table, known: dict[str, tuple[str, ...]], required: tuple[str, ...], file: str
) -> dict[str, int]:
    """Column index per canonical name; headers match case-insensitively, in any order, under
    any of their accepted names. A missing required column is a located error naming it."""
    by_key = {column_key(c.text): i for i, c in enumerate(table.header.cells)}
    found = {
        name: next(by_key[column_key(alias)] for alias in aliases if column_key(alias) in by_key)
        for name, aliases in known.items()
        if any(column_key(alias) in by_key for alias in aliases)
    }
    problems = [
        Problem(
            file,
            table.line,
            1,
            "",
            f"missing column {known[name][0]!r} (accepted names: {', '.join(known[name])})",
        )
        for name in required
        if name not in found
    ]
    if problems:
        raise ScenarioError(problems)
    return found
