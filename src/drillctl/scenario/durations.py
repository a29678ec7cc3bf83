"""Durations in scenario files are strings with a unit: ``500ms``, ``60s``, ``5m``, ``1h30m``.

A bare number is refused (is ``60`` seconds or milliseconds?), as are negative values and units
longer than hours (a drill measured in days or years is a typo).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$")
PATTERN = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$"


def parse_duration(text: Any) -> timedelta:
    if isinstance(text, timedelta):
        return text
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(
            f"a duration is a string with a unit such as '500ms', '60s' or '5m', not {text!r}"
        )
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise ValueError(f"duration {text!r} is negative")
    if not _WHOLE.match(cleaned):
        raise ValueError(
            f"{text!r} is not a duration: use a number and a unit (ms, s, m, h) such as '60s'"
        )
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(cleaned))
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    total_ms = round(value.total_seconds() * 1000)
    if total_ms % 1000:
        return f"{total_ms}ms"
    seconds = total_ms // 1000
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": PATTERN, "examples": ["500ms", "60s", "5m"]}),
]
