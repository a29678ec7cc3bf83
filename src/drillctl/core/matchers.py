"""Alertmanager label matchers (API v2), parsed and applied without a network client: the
settings validate ``[drill] silence`` matchers with it (config sits below observe), and the
observer decides with it which alerts a drill's silence held.

Written as in Alertmanager and amtool: ``name="value"``, ``name!="value"``, ``name=~"regex"``,
``name!~"regex"`` (quotes optional when the value has no space or quote).
"""

from __future__ import annotations

import re
from typing import Any

_MATCHER = re.compile(
    r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]*))\s*$'
)


def parse_matcher(text: str) -> dict[str, Any]:
    """``name op "value"`` as an API v2 matcher object; ValueError saying what is wrong."""
    found = _MATCHER.match(text)
    if not found:
        raise ValueError(f'{text!r} is not a matcher like name="value" (ops: = != =~ !~)')
    name, op, quoted, bare = found.groups()
    value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
    if "~" in op:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{text!r}: the regex does not compile: {exc}") from exc
    return {"name": name, "value": value, "isRegex": "~" in op, "isEqual": op[0] == "="}


def matches(matcher: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether ``labels`` fit one API v2 matcher, as Alertmanager decides (anchored regex; a
    missing label is the empty string)."""
    value = labels.get(matcher["name"], "")
    if matcher["isRegex"]:
        hit = re.fullmatch(matcher["value"], value) is not None
    else:
        hit = value == matcher["value"]
    return hit == matcher.get("isEqual", True)
