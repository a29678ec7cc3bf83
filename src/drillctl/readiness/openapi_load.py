"""Read one OpenAPI snapshot (JSON or YAML) and validate it, with located errors.

Validation uses openapi-spec-validator (python-openapi): it validates OpenAPI 2.0, 3.0 and 3.1
documents against the official schemas and reports each error with its JSON path, and it does only
that (openapi-core adds request/response validation we do not need, prance adds a resolver with
its own parsers). The file is read through PyYAML's node tree, which also reads JSON, so a JSON
path from the validator maps back to ``FILE:LINE:COL``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.exceptions import OpenAPISpecValidatorError
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing.exceptions import Unresolvable

from drillctl.core.errors import Problem, ScenarioError

SUFFIXES = (".yaml", ".yml", ".json")


def load_openapi(path: Path) -> dict[str, Any]:
    """The document as plain data, or a ``ScenarioError`` naming FILE:LINE:COL."""
    node = _compose(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise _error(path, node, [], "not an OpenAPI document (a mapping is expected)")
    try:
        validate(data)
    except OpenAPIValidationError as exc:
        where = [str(p) for p in exc.path]
        raise _error(path, node, where, f"invalid OpenAPI: {exc.message}") from exc
    except Unresolvable as exc:
        ref = f"#{getattr(exc, 'ref', '')}"
        raise _error(path, node, _find_scalar(node, ref), f"unresolvable $ref {ref}") from exc
    except OpenAPISpecValidatorError as exc:
        raise _error(path, node, [], f"not an OpenAPI document: {exc or 'no openapi key'}") from exc
    return data


def _compose(path: Path) -> yaml.Node | None:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(str(path), line, col, "", f"unreadable: {reason}")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), 1, 1, "", f"cannot read: {exc}")]) from exc


def _error(path: Path, root: yaml.Node | None, where: Sequence[str], message: str) -> ScenarioError:
    node = _node_at(root, where)
    line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
    return ScenarioError([Problem(str(path), line, col, ".".join(where), message)])


def _node_at(node: yaml.Node | None, where: Sequence[str]) -> yaml.Node | None:
    """The deepest node along the path (the parent when the last key is missing)."""
    for key in where:
        child = _child(node, key)
        if child is None:
            return node
        node = child
    return node


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if str(k.value) == key), None)
    if isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
        child: yaml.Node = node.value[int(key)]
        return child
    return None


def _find_scalar(node: yaml.Node | None, value: str, at: tuple[str, ...] = ()) -> list[str]:
    """The path of the first scalar equal to ``value`` (where an unresolvable $ref is written)."""
    if isinstance(node, yaml.ScalarNode):
        return list(at) if node.value == value else []
    pairs: list[tuple[str, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        pairs = [(str(k.value), v) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        pairs = [(str(i), v) for i, v in enumerate(node.value)]
    for key, child in pairs:
        found = _find_scalar(child, value, (*at, key))
        if found:
            return found
    return []
