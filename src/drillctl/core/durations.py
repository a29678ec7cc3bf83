"""Durations in scenario files are strings with a unit: ``500ms``, ``60s``, ``5m``, ``1h30m``.

A bare number is refused (is ``60`` seconds or milliseconds?), as are negative values and units
longer than hours (a drill measured in days or years is a typo). Every duration is at most
``MAX_DURATION`` (24h), checked before any arithmetic so a 5,000-digit number is a message, not an
overflow; a field can narrow that with ``Bounds`` (shown in the generated reference).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, PlainSerializer, WithJsonSchema
from pydantic_core import core_schema

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$")
PATTERN = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$"
MAX_DURATION = timedelta(hours=24)
_MAX_DIGITS = 12  # 999999999999ms is already years: longer numbers are refused before float()


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
    parts = _PART.findall(cleaned)
    if any(len(n.partition(".")[0]) > _MAX_DIGITS for n, _ in parts):
        shown = f"{text[:24]!r}{'...' if len(text) > 24 else ''}"
        raise ValueError(f"duration {shown} is too long: at most 24h")
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"duration {text!r} is over the {format_duration(MAX_DURATION)} bound")
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


@dataclass(frozen=True)
class Bounds:
    """The range a duration field accepts: ``Annotated[Duration, Bounds("1s", "1h")]``."""

    low: str
    high: str

    def check(self, value: timedelta) -> timedelta:
        if not parse_duration(self.low) <= value <= parse_duration(self.high):
            raise ValueError(
                f"{format_duration(value)} is out of bounds: between {self.low} and {self.high}"
            )
        return value

    def describe(self) -> str:
        return f"between {self.low} and {self.high}"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


@dataclass(frozen=True)
class TextBounds(Bounds):
    """Bounds of a duration kept as its text (drillctl.toml) but checked when it is loaded."""

    def check_text(self, text: str) -> str:
        self.check(parse_duration(text))
        return text

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check_text, handler(source))
