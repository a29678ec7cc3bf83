"""What Loki and compose logs share: log lines of a service in a window, as evidence.

Both log sources implement ``LogReader.lines``; the trace fallback (error lines carrying trace ids,
when no Jaeger is configured) reads through either. ``logql_hints`` turns a simple LogQL query
into a service and line filters, so an evidence query written for Loki still means something when
the fallback (compose logs) answers it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Protocol

from drillctl.core.timeconv import parse_rfc3339
from drillctl.observe.base import Evidence
from drillctl.target.base import LogLine

_SELECTOR_SERVICE = re.compile(
    r'\b(?:service_name|service|compose_service|container|app|job)\s*=\s*"([^"]+)"'
)
_LINE_FILTER = re.compile(r'\|([=~])\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)')


class LogReader(Protocol):
    name: str

    async def lines(
        self,
        service: str,
        start: datetime,
        end: datetime,
        *,
        pattern: str | None = None,
        limit: int = 100,
    ) -> list[LogLine]:
        """Lines of one service in [start, end), oldest first, at most ``limit`` (the newest)."""


def logql_hints(logql: str) -> tuple[str | None, str | None]:
    """(service, regex) from ``{service_name="x"} |= "a" |~ "b"``; line filters ANDed."""
    service = _SELECTOR_SERVICE.search(logql)
    patterns = []
    for op, quoted, raw in _LINE_FILTER.findall(logql):
        text = raw or quoted.encode().decode("unicode_escape")
        patterns.append(re.escape(text) if op == "=" else text)
    regex = "".join(f"(?=.*(?:{p}))" for p in patterns) if patterns else None
    return (service.group(1) if service else None), regex


def matches(pattern: str | None, text: str) -> bool:
    return pattern is None or re.search(pattern, text) is not None


def json_fields(text: str) -> dict[str, Any]:
    """The JSON object a structured log line carries (after any prefix), else {}."""
    start = text.find("{")
    if start < 0:
        return {}
    try:
        value = json.loads(text[start:])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def line_time(fields: dict[str, Any]) -> datetime | None:
    for key in ("ts", "time", "timestamp", "@timestamp"):
        value = fields.get(key)
        if isinstance(value, str):
            try:
                return parse_rfc3339(value)
            except ValueError:
                continue
    return None


def log_evidence(name: str, source: str, lines: list[LogLine], query: str | None) -> Evidence:
    items = [
        {"at": line.at.isoformat() if line.at else None, "service": line.service, "line": line.text}
        for line in lines
    ]
    where = f" for {query}" if query else ""
    return Evidence(
        kind="log", source=source, summary=f"{name}: {len(lines)} log lines{where}", items=items
    )
