"""``${var:name}`` and ``${env:NAME}`` in scenario files.

Variables make the built-in scenarios portable to a real stack whose service names, queues and
URLs differ from the lab's. A variable's value comes from, highest first: ``--set name=value``,
``DRILLCTL_VAR_<NAME>``, ``[vars]`` in drillctl.toml, the file's own ``vars:`` defaults.
Variables are substituted when the file is loaded, before validation, so a substituted value is
validated like one written in the file.

``${env:NAME}`` is for secrets: it stays as written through load, ``show`` and ``--dry-run`` and is
only resolved at run time by ``drillctl.scenario.secrets.resolve_secrets``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from drillctl.core.errors import Problem
from drillctl.scenario.source import Document, Path_

REF = re.compile(r"\$\{(var|env):([^}]*)\}")
# "${var:name" whose name runs into the end, a space or a quote instead of "}"
UNCLOSED = re.compile(r"\$\{(?:var|env):[^}\s\"',]*+(?!\})")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
VARS_KEY = "vars"


def strings(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every string in the data with its path (the top-level ``vars:`` block excluded)."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if not (path == () and key == VARS_KEY):
                yield from strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, (*path, i))


def referenced(data: Any) -> set[str]:
    """Names of the ``${var:...}`` references in the data."""
    return {name for _, text in strings(data) for kind, name in REF.findall(text) if kind == "var"}


def declared_defaults(doc: Document) -> tuple[dict[str, str], list[Problem]]:
    """The file's ``vars:`` block as strings (numbers are accepted and kept as written)."""
    block = doc.data.get(VARS_KEY, {}) if isinstance(doc.data, dict) else {}
    if block is None:
        return {}, []
    if not isinstance(block, dict):
        return {}, [
            doc.problem((VARS_KEY,), "expected a mapping of variable names to default values")
        ]
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for name, value in block.items():
        if not NAME.match(name):
            problems.append(doc.problem((VARS_KEY, name), _bad_name(name), at_key=True))
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(
                doc.problem((VARS_KEY, name), "a variable's default is a string or a number")
            )
        else:
            out[name] = str(value)
    return out, problems


def effective_values(
    defaults: Mapping[str, str], names: set[str], layers: Sequence[Mapping[str, str]]
) -> dict[str, str]:
    """Each variable's value: the last layer that has it wins over the file's default."""
    values: dict[str, str] = {}
    for name in sorted(set(defaults) | names):
        value = defaults.get(name)
        for layer in layers:
            value = layer.get(name, layer.get(name.lower(), value))
        if value is not None:
            values[name] = value
    return values


def substitute(doc: Document, values: Mapping[str, str]) -> list[Problem]:
    """Replace ``${var:name}`` in ``doc.data`` (in place); check ``${env:NAME}`` names."""
    problems: list[Problem] = []
    for path, text in list(strings(doc.data)):
        found = len(problems)
        new = _substitute_one(text, values, doc, path, problems)
        unclosed = UNCLOSED.search(new)  # in the file or in a variable's value
        if unclosed and len(problems) == found:  # "${env:not ok}" is a bad name, said once
            problems.append(doc.problem(path, f"unclosed {unclosed.group(0)!r}: missing '}}'"))
        if new != text:
            _assign(doc.data, path, new)
    return problems


def _substitute_one(
    text: str, values: Mapping[str, str], doc: Document, path: Path_, problems: list[Problem]
) -> str:
    return REF.sub(lambda m: _replace(m, values, doc, path, problems), text)


def _replace(
    match: re.Match[str],
    values: Mapping[str, str],
    doc: Document,
    path: Path_,
    problems: list[Problem],
) -> str:
    kind, name = match.group(1), match.group(2)
    if not NAME.match(name):
        problems.append(doc.problem(path, _bad_name(name, kind)))
    elif kind == "var" and name not in values:
        problems.append(
            doc.problem(
                path,
                f"undefined variable {name!r}: declare it under vars: or pass --set {name}=VALUE",
            )
        )
    elif kind == "var":
        return values[name]
    return match.group(0)


def _bad_name(name: str, kind: str = "var") -> str:
    return f"bad variable name {name!r} in ${{{kind}:...}}: use letters, digits and _"


def _assign(data: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value
