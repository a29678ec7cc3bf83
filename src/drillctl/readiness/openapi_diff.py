"""What changed between two OpenAPI snapshots: endpoints and the shape of their bodies.

Endpoints are ``METHOD /path``: added, removed, or newly ``deprecated: true``. For an endpoint in
both, its JSON request body and each JSON response (by status) are flattened into field paths
(``bet.stake``, ``items[].id``) with their type and whether they are required, after resolving
local ``$ref``s; the two sets are compared. A field removed and another of the same type added
under the same parent is a rename. Breaking means breaking for an existing client: a request field
that became required, a response field removed, any rename or type change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DeltaKind = Literal[
    "endpoint-added",
    "endpoint-deprecated",
    "endpoint-removed",
    "request-changed",
    "response-changed",
]
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
MAX_DEPTH = 12  # recursive DTOs (a tree node holding children) stop here


@dataclass(frozen=True)
class Delta:
    kind: DeltaKind
    method: str
    route: str
    detail: str  # one line for people
    field: str | None = None  # the field path inside the body, for shape changes
    dto: str | None = None  # the component schema the body is, when it is a $ref
    breaking: bool = False

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.route}"


@dataclass(frozen=True)
class Field:
    type: str
    required: bool


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Delta]:
    before, after = operations(old), operations(new)
    deltas = [_endpoint("endpoint-removed", k, "removed") for k in before if k not in after]
    deltas += [_endpoint("endpoint-added", k, "added") for k in after if k not in before]
    for key in (k for k in after if k in before):
        if after[key].get("deprecated") and not before[key].get("deprecated"):
            deltas.append(_endpoint("endpoint-deprecated", key, "deprecated", breaking=False))
        deltas += _bodies(key, (old, before[key]), (new, after[key]))
    return deltas


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for route, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found[(method.upper(), str(route))] = item[method]
    return found


def _endpoint(
    kind: DeltaKind, key: tuple[str, str], verb: str, breaking: bool | None = None
) -> Delta:
    broken = kind == "endpoint-removed" if breaking is None else breaking
    return Delta(kind, key[0], key[1], f"{key[0]} {key[1]} {verb}", breaking=broken)


def _bodies(
    key: tuple[str, str],
    old: tuple[dict[str, Any], dict[str, Any]],
    new: tuple[dict[str, Any], dict[str, Any]],
) -> list[Delta]:
    deltas = _compare(key, "request", _request(*old), _request(*new))
    statuses = sorted(set(_responses(*old)) | set(_responses(*new)))
    for status in statuses:
        before, after = _responses(*old).get(status), _responses(*new).get(status)
        if before is not None and after is not None:
            deltas += _compare(key, f"response {status}", before, after)
    return deltas


Body = tuple[str | None, dict[str, Field]]  # (the DTO name, flattened fields)


def _request(spec: dict[str, Any], op: dict[str, Any]) -> Body | None:
    schema = _json_schema((op.get("requestBody") or {}).get("content"))
    return None if schema is None else _body(spec, schema)


def _responses(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Body]:
    found = {}
    for status, response in (op.get("responses") or {}).items():
        schema = _json_schema((_deref(spec, response) or {}).get("content"))
        if schema is not None:
            found[str(status)] = _body(spec, schema)
    return found


def _json_schema(content: Any) -> dict[str, Any] | None:
    if not isinstance(content, dict):
        return None
    media = next((m for m in content if "json" in m), None)
    schema = content[media].get("schema") if media else None
    return schema if isinstance(schema, dict) else None


def _body(spec: dict[str, Any], schema: dict[str, Any]) -> Body:
    name = schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else None
    fields: dict[str, Field] = {}
    _flatten(spec, schema, "", True, fields, 0)
    return name, fields


def _deref(spec: dict[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < MAX_DEPTH:
        node, seen = _pointer(spec, node["$ref"]), seen + 1
    return node


def _pointer(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = (
            node.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(node, dict) else None
        )
    return node


def _flatten(
    spec: dict[str, Any], schema: Any, at: str, required: bool, out: dict[str, Field], depth: int
) -> None:
    schema = _merged(spec, _deref(spec, schema))
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    kind = _type(schema)
    if at:
        out[at] = Field(kind, required)
    if kind == "array":
        _flatten(spec, schema.get("items"), f"{at}[]", True, out, depth + 1)
    needed = set(schema.get("required") or [])
    for name, prop in (schema.get("properties") or {}).items():
        path = f"{at}.{name}" if at else str(name)
        _flatten(spec, prop, path, name in needed, out, depth + 1)


def _merged(spec: dict[str, Any], schema: Any) -> Any:
    """allOf members merged into one object schema (the way DTOs extend a base)."""
    if not isinstance(schema, dict) or "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in [schema, *(_merged(spec, _deref(spec, p)) for p in schema["allOf"])]:
        if isinstance(part, dict):
            merged["properties"].update(part.get("properties") or {})
            merged["required"] += list(part.get("required") or [])
    return merged


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        kind = "|".join(sorted(str(k) for k in kind))
    if kind is None:
        kind = (
            "object"
            if "properties" in schema
            else next((k for k in ("oneOf", "anyOf") if k in schema), "any")
        )
    fmt = schema.get("format")
    return f"{kind}({fmt})" if fmt else str(kind)


def _compare(key: tuple[str, str], where: str, old: Body | None, new: Body | None) -> list[Delta]:
    if old is None or new is None:
        return []
    kind: DeltaKind = "request-changed" if where == "request" else "response-changed"
    dto = new[0] or old[0]
    return [
        Delta(kind, key[0], key[1], f"{where}: {text}", field, dto, breaking)
        for field, text, breaking in field_changes(old[1], new[1], request=where == "request")
    ]


def field_changes(
    old: dict[str, Field], new: dict[str, Field], *, request: bool
) -> list[tuple[str, str, bool]]:
    """(field path, what changed, breaking) for two flattened bodies."""
    removed = [p for p in old if p not in new]
    added = [p for p in new if p not in old]
    renames = _renames(removed, added, old, new)
    changes = [(b, f"{a} renamed to {b}", True) for a, b in renames]
    renamed = {p for pair in renames for p in pair}
    changes += [_removed(p, old[p], request) for p in removed if p not in renamed]
    changes += [_added(p, new[p], request) for p in added if p not in renamed]
    changes += [_changed(p, old[p], new[p], request) for p in old if p in new and old[p] != new[p]]
    return sorted(changes)


def _renames(
    removed: list[str], added: list[str], old: dict[str, Field], new: dict[str, Field]
) -> list[tuple[str, str]]:
    pairs = []
    free = list(added)
    for gone in (p for p in removed if not _under_any(p, removed)):
        match = next(
            (p for p in free if _parent(p) == _parent(gone) and new[p].type == old[gone].type), None
        )
        if match is not None:
            free.remove(match)
            pairs.append((gone, match))
    return pairs


def _under_any(path: str, others: list[str]) -> bool:
    return any(path.startswith(f"{o}.") or path.startswith(f"{o}[]") for o in others if o != path)


def _parent(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path else ""


def _removed(path: str, field: Field, request: bool) -> tuple[str, str, bool]:
    return path, f"{path} removed", not request


def _added(path: str, field: Field, request: bool) -> tuple[str, str, bool]:
    need = "required " if field.required else ""
    return path, f"{need}{path} added ({field.type})", request and field.required


def _changed(path: str, old: Field, new: Field, request: bool) -> tuple[str, str, bool]:
    if old.type != new.type:
        return path, f"{path} type {old.type} -> {new.type}", True
    state = "required" if new.required else "optional"
    breaking = new.required if request else not new.required
    return path, f"{path} now {state}", breaking
