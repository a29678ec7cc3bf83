"""``--set KEY=VALUE``: a variable (``queue=bets``) or a field path (``faults[0].duration=20s``).

A plain name is a variable when the file declares or uses it (``vars.NAME=...`` always is); any
other key is a field path into the scenario, applied to the data before validation so the new
value is checked like one written in the file. A field path that does not fit the file (an index
past the end, a key under a plain value) is a located problem naming the ``--set``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from drillctl.core.errors import ConfigError, Problem
from drillctl.scenario.source import Document, Path_, format_path

_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\d+\])*(\.[A-Za-z_][\w-]*(\[\d+\])*)*$")
_PART = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")


@dataclass(frozen=True)
class Assignment:
    key: str
    value: str

    def __str__(self) -> str:
        return f"--set {self.key}={self.value}"


def parse_assignments(items: Iterable[str]) -> list[Assignment]:
    """``["a=b", ...]`` -> assignments; a missing ``=`` or a malformed key is a usage error."""
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(
                f"--set {item!r}: expected NAME=VALUE, or a field path: faults[0].duration=20s"
            )
        if not _PATH.match(key):
            raise ConfigError(f"--set {item!r}: {key!r} is not a variable name or a field path")
        out.append(Assignment(key, value))
    return out


def parse_path(key: str) -> Path_:
    return tuple(name if name else int(index) for name, index in _PART.findall(key))


@dataclass
class SplitSets:
    variables: dict[str, str]
    fields: list[tuple[Path_, Assignment]]


def split(sets: Sequence[Assignment], var_names: set[str], fields: Iterable[str]) -> SplitSets:
    """Tell variables from field paths; a plain name that is neither is an error, and so is
    ``vars.NAME`` for a variable the file neither declares nor uses."""
    fields = list(fields)
    result = SplitSets({}, [])
    for item in sets:
        path = parse_path(item.key)
        is_var_path = len(path) == 2 and path[0] == "vars"
        name = str(path[1]) if is_var_path else item.key
        if name in var_names:
            result.variables[name] = item.value
        elif is_var_path or (len(path) == 1 and item.key not in fields):
            raise ConfigError(_neither(item, var_names, fields))
        else:
            result.fields.append((path, item))
    return result


def _neither(item: Assignment, var_names: set[str], fields: list[str]) -> str:
    close = difflib.get_close_matches(item.key, [*var_names, *fields], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    known = ", ".join(sorted(var_names)) or "none"
    what = f"neither a variable of this scenario (vars: {known}) nor a field"
    return f"{item}: {item.key!r} is {what}{hint}"


def apply(doc: Document, fields: Sequence[tuple[Path_, Assignment]]) -> list[Problem]:
    """Write each field assignment into ``doc.data`` (in place)."""
    problems = []
    for path, item in fields:
        problem = _apply_one(doc, path, item)
        if problem:
            problems.append(problem)
    return problems


def _apply_one(doc: Document, path: Path_, item: Assignment) -> Problem | None:
    data = doc.data
    for depth, part in enumerate(path):
        here = path[:depth]
        last = depth == len(path) - 1
        if isinstance(part, int):
            if not isinstance(data, list):
                return _bad(doc, here, item, f"{_name(here)} is not a list")
            if part >= len(data):
                return _bad(
                    doc,
                    here,
                    item,
                    f"{_name(here)} has {len(data)} item(s); index {part} is out of range",
                )
        elif not isinstance(data, dict):
            return _bad(doc, here, item, f"{_name(here)} is a single value, not a mapping")
        elif not last and data.get(part) is None:
            if isinstance(path[depth + 1], int):
                return _bad(doc, here, item, f"{_name((*here, part))} does not exist in the file")
            data[part] = {}
        if last:
            data[part] = parse_value(item.value)
            _forget_below(doc, path)
            return None
        data = data[part]
    return None


def _name(path: Path_) -> str:
    return format_path(path) or "the scenario"


def _bad(doc: Document, here: Path_, item: Assignment, reason: str) -> Problem:
    return doc.problem(here, f"{item}: {reason}", shown=item.key)


def _forget_below(doc: Document, path: Path_) -> None:
    """Marks of the old file content under a replaced value no longer describe it."""
    for index in (doc.values, doc.keys):
        for stale in [p for p in index if len(p) > len(path) and p[: len(path)] == path]:
            del index[stale]


def parse_value(text: str) -> Any:
    """A list or mapping in YAML flow style (``[a, b]``) or ``null``; anything else stays a string,
    so ``60`` reaches a duration field as the text the user typed and is refused with its reason."""
    try:
        value = yaml.safe_load(text)
        json.dumps(value, default=str)  # a recursive alias (&a [*a]) cannot be a value
    except (yaml.YAMLError, ValueError, RecursionError):  # also int("9" * 5000)
        return text
    if value is None and text.strip() in ("null", "~"):
        return None
    return value if isinstance(value, list | dict) else text
