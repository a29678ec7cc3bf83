"""Read a scenario file into plain data plus an index of where each value sits in the file.

PyYAML's composed node tree keeps a ``start_mark`` on every node; we build the Python data from it
ourselves so that each value's path (``("faults", 0, "duration")``, the shape of a pydantic error
location) maps to the line and column of its value and of its key. Anything that is not a clean
mapping of string keys becomes a located ``Problem``, never an exception from the YAML library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from drillctl.core import inputs
from drillctl.core.errors import Problem, ScenarioError

MAX_BYTES = inputs.MAX_BYTES  # a scenario is a page of YAML; a megabyte is a mistake (or an attack)
MAX_DEPTH = 64  # also stops recursive anchors (&a [*a])
MAX_NODES = 100_000  # aliases can multiply a small file (billion laughs)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Document:
    """A parsed scenario file: its data and where every value (and key) came from."""

    file: str
    data: Any = None
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)

    def problem(
        self, path: Path_, message: str, *, at_key: bool = False, shown: str | None = None
    ) -> Problem:
        mark = self.mark_for(path, at_key=at_key)
        return Problem(
            self.file, mark.line, mark.col, format_path(path) if shown is None else shown, message
        )

    def mark_for(self, path: Path_, *, at_key: bool = False) -> Mark:
        """The mark of ``path``, or of its deepest ancestor that is in the file."""
        if at_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return Mark(1, 1)


def format_path(path: Path_) -> str:
    """``("faults", 0, "duration")`` -> ``faults[0].duration`` (the syntax ``--set`` accepts)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into data, recording marks and problems as it goes."""

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.nodes = 0
        self.constructor = SafeConstructor()
        self._own_key: dict[Path_, bool] = {}

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(f"more than {MAX_NODES} values (are aliases expanding?)")
        if len(path) > MAX_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_DEPTH} levels")
        self.doc.values[path] = _mark(node)
        handler: Callable[[Any, Path_], Any] = {
            yaml.MappingNode: self._mapping,
            yaml.SequenceNode: self._sequence,
        }.get(type(node), self._scalar)
        return handler(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # int("9" * 5000), a timestamp in year 99999
            shown = f"{str(node.value)[:24]!r}{'...' if len(str(node.value)) > 24 else ''}"
            self.problems.append(
                Problem(
                    self.doc.file,
                    *_astuple(_mark(node)),
                    format_path(path),
                    f"value {shown} cannot be read: {str(exc).split(';')[0]}",
                )
            )
            return None

    def _sequence(self, node: yaml.SequenceNode, path: Path_) -> list[Any]:
        return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        own = {id(key_node) for key_node, _ in node.value}
        self.constructor.flatten_mapping(node)  # YAML merge keys (<<: *base); own keys win
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in out and id(key_node) in own and self._own_key.get((*path, key)):
                self._duplicate(key_node, (*path, key))
                continue
            self._own_key[(*path, key)] = id(key_node) in own
            self.doc.keys[(*path, key)] = _mark(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _duplicate(self, key_node: yaml.Node, path: Path_) -> None:
        first = self.doc.keys[path]
        self.problems.append(
            Problem(
                self.doc.file,
                *_astuple(_mark(key_node)),
                format_path(path),
                f"duplicate key {path[-1]!r} (first defined at line {first.line})",
            )
        )

    def _key(self, key_node: yaml.Node, path: Path_) -> str | None:
        key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
        if isinstance(key, str):
            return key
        shown = (
            repr(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
        )
        self.problems.append(
            Problem(
                self.doc.file,
                *_astuple(_mark(key_node)),
                format_path(path),
                f"keys must be strings, got {shown}",
            )
        )
        return None


def _astuple(mark: Mark) -> tuple[int, int]:
    return mark.line, mark.col


class _TooBig(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """Stops composing at ``MAX_DEPTH`` (PyYAML's composer recurses once per level)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooBig(f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


def parse_document(raw: bytes, file: str) -> tuple[Document, list[Problem]]:
    """Parse bytes into a ``Document``; problems are returned, never raised."""
    doc = Document(file)
    if len(raw) > MAX_BYTES:
        return doc, [
            Problem(file, 1, 1, "", f"file is {len(raw)} bytes, over the {MAX_BYTES}-byte limit")
        ]
    try:
        text = inputs.decode(raw, file)
    except ScenarioError as exc:
        return doc, exc.problems
    return _compose(text, doc)


# libyaml composes a scenario some 15 times faster than PyYAML's Python composer, which was most
# of `drillctl list`'s run time (every file is read twice there). It recurses in C, so only a file
# whose nesting is bounded far below the C stack goes to it (every level of nesting needs one of
# these characters); a file it rejects, or nests deeper than MAX_DEPTH, is composed again in
# Python, so every problem a user reads is worded and placed exactly as before.
_OPENERS = "[{-:?"
_C_MAX_OPENERS = 2_000
_C_LOADER = getattr(yaml, "CSafeLoader", None)  # None where PyYAML was built without libyaml


def _composed(text: str, fast: bool = True) -> yaml.Node | None:
    if fast and _C_LOADER is not None and _c_safe(text):
        try:
            node = yaml.compose(text, Loader=_C_LOADER)
        except yaml.YAMLError:
            node = None  # composed again below, for PyYAML's message
        else:
            if node is None or _within_depth(node, 1, [MAX_NODES]):
                return node
    return yaml.compose(text, Loader=_Loader)


def _c_safe(text: str) -> bool:
    openers = sum(text.count(char) for char in _OPENERS)
    return openers <= _C_MAX_OPENERS and not yaml.reader.Reader.NON_PRINTABLE.search(text)


def _within_depth(node: yaml.Node, depth: int, budget: list[int]) -> bool:
    """Whether the tree, aliases followed, is at most MAX_DEPTH deep (what _Loader allows)."""
    budget[0] -= 1
    if depth > MAX_DEPTH or budget[0] < 0:
        return False
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        return True
    return all(_within_depth(child, depth + 1, budget) for child in children)


def _compose(text: str, doc: Document, fast: bool = True) -> tuple[Document, list[Problem]]:
    problems: list[Problem] = []
    try:
        node = _composed(text, fast)
        if node is None:
            return doc, [Problem(doc.file, 1, 1, "", "empty file: expected a scenario mapping")]
        doc.data = _Builder(doc, problems).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = ", ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        return doc, [Problem(doc.file, line, col, "", f"not valid YAML: {reason}")]
    except yaml.reader.ReaderError as exc:  # control characters and the like
        where = inputs.text_position(text, exc.position)
        return doc, [
            Problem(
                doc.file,
                *where,
                "",
                f"not valid YAML: character #x{exc.character:04x} is not allowed",
            )
        ]
    except yaml.YAMLError as exc:
        return doc, [Problem(doc.file, 1, 1, "", f"not valid YAML: {exc}")]
    except (_TooBig, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, _TooBig) else f"nested deeper than {MAX_DEPTH} levels"
        return doc, [Problem(doc.file, 1, 1, "", f"file too complex: {reason}")]
    if doc.data is None:  # "---" alone, or "~"
        return doc, [Problem(doc.file, 1, 1, "", "empty file: expected a scenario mapping")]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"a single value ({doc.data!r:.40})"
        problems.append(
            Problem(doc.file, 1, 1, "", f"expected a mapping of scenario fields, got {kind}")
        )
    return doc, problems
