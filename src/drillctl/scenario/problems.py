"""Turn pydantic validation errors into located problems: ``FILE:LINE:COL: field.path: message``.

A pydantic error location (``("faults", 0, "stop-service", "duration")``) follows the model, not
the file: it carries union tags and validator names the file does not have. We walk it against the
document's index, keeping the parts that exist in the file, and point at the key for an unknown
key, at the enclosing mapping for a missing one, and at the value for everything else.
"""

from __future__ import annotations

import difflib
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from drillctl.core.errors import Problem
from drillctl.scenario.source import Document, Path_


def problems_from(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    return [_problem(err, doc, model) for err in exc.errors(include_url=False)]


def _problem(err: Any, doc: Document, model: type[BaseModel]) -> Problem:
    kind = err["type"]
    loc = tuple(err["loc"])
    path = _file_path(loc, doc.data)
    if kind == "extra_forbidden":
        path = (*_file_path(loc[:-1], doc.data), loc[-1])
        return doc.problem(
            path, _unknown_key(str(loc[-1]), _fields_at(model, loc[:-1])), at_key=True
        )
    if kind == "missing":
        path = (*_file_path(loc[:-1], doc.data), loc[-1])
        return doc.problem(path, "missing required field")
    if kind == "union_tag_invalid":
        return doc.problem((*path, "type"), _unknown_tag(err["ctx"]))
    if kind == "union_tag_not_found":
        return doc.problem(path, f"needs a 'type' (one of: {_known_tags(model, loc)})")
    if not loc:  # the scenario's cross-field checks: point at the field they name
        path = _cross_field_path(_message(err), doc.data)
    return doc.problem(path, _message(err))


def _cross_field_path(message: str, data: Any) -> Path_:
    """Where a whole-scenario check points: the abort_if entry naming an unknown signal, the
    second signal of a duplicated name, the guardrail a fault outlasts. Else the file's top."""
    quoted = re.search(r"unknown signal '([^']*)'", message)
    if quoted:
        return _first_with(data, ("guardrails", "abort_if"), "signal", quoted.group(1))
    unique = re.search(r"signal names must be unique: ([^,]+)", message)
    if unique:
        return _first_with(data, ("signals",), "name", unique.group(1).strip(), skip=1)
    if "over guardrails.max_fault_duration" in message and _has_path(
        data, ("guardrails", "max_fault_duration")
    ):
        return ("guardrails", "max_fault_duration")
    return ()


def _first_with(data: Any, where: Path_, key: str, value: str, skip: int = 0) -> Path_:
    items = data
    for part in where:
        items = items.get(part) if isinstance(items, dict) else None
    hits = [
        i for i, item in enumerate(items or []) if isinstance(item, dict) and item.get(key) == value
    ]
    return (*where, hits[skip], key) if len(hits) > skip else ()


def _has_path(data: Any, path: Path_) -> bool:
    for part in path:
        if not _has(data, part):
            return False
        data = data[part]
    return True


def _message(err: Any) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _file_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """The parts of a pydantic location that exist in the data (drops union tags and the like)."""
    path: list[str | int] = []
    for part in loc:
        if _has(data, part):
            data = data[part]
            path.append(part)
    return tuple(path)


def _has(data: Any, part: Any) -> bool:
    if isinstance(data, dict):
        return isinstance(part, str) and part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    if allowed:
        return f"unknown key {key!r}; expected one of: {', '.join(allowed)}"
    return f"unknown key {key!r}"


def _unknown_tag(ctx: dict[str, Any]) -> str:
    tag = ctx.get("tag")
    known = str(ctx.get("expected_tags", ""))
    names = [t.strip().strip("'") for t in known.split(",") if t.strip()]
    close = difflib.get_close_matches(str(tag), names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown fault type {tag!r}{hint}; known types: {', '.join(names)}"


def _known_tags(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    return ", ".join(sorted(_tags(_type_at(model, loc))))


# --- walking the model's types along a location -------------------------------------------------


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    target = _type_at(model, loc)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [info.alias or name for name, info in target.model_fields.items()]
    return []


def _type_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    current: Any = model
    for part in loc:
        current = _step(_unwrap(current), part)
        if current is None:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional; a union of several models stays a union."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if _is_union(tp):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _step(tp: Any, part: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict:
        return args[1]
    if _is_union(tp):
        return next((m for m in get_args(tp) if part in _tags(m)), None)
    return None


def _tags(tp: Any) -> set[str]:
    """The ``type`` literal(s) of a model, or of every member of a union of models."""
    if _is_union(tp):
        return {tag for member in get_args(tp) for tag in _tags(_unwrap(member))}
    if isinstance(tp, type) and issubclass(tp, BaseModel) and "type" in tp.model_fields:
        annotation = tp.model_fields["type"].annotation
        if get_origin(annotation) is Literal:
            return {str(a) for a in get_args(annotation)}
    return set()
