"""Small text helpers shared by the renderers: clock times, durations, numbers, truncation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from drillctl.core.numbers import number as number  # the renderers' one number format
from drillctl.report.recurrence import recurrence_line

# a measured value written with all its digits ("0.20223684210526316"); not part of a time, a
# version or an address (nothing word-like, no dot or colon next to it)
_LONG_NUMBER = re.compile(r"(?<![\w.:/-])-?\d+\.\d{4,}(?![\w.:])")


def clock(at: datetime | None) -> str:
    """``HH:MM:SS`` in UTC (the timeline's column), or ``--:--:--``."""
    return at.astimezone(UTC).strftime("%H:%M:%S") if at else "--:--:--"


def stamp(at: datetime | None) -> str:
    """``YYYY-MM-DD HH:MM:SS UTC`` for headers."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else "n/a"


def seconds(value: float | None) -> str:
    """A duration for people: ``850ms``, ``12s``, ``2m15s``, ``1h02m``; ``n/a`` when unknown."""
    if value is None:
        return "n/a"
    if value < 0:
        return "-" + seconds(-value)
    if value < 1:
        return f"{round(value * 1000)}ms"
    if value < 10 and round(value, 1) != round(value):
        return f"{value:.1f}s"
    whole = round(value)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        minutes, secs = divmod(whole, 60)
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    hours, rest = divmod(whole, 3600)
    return f"{hours}h{rest // 60:02d}m"


def round_numbers(text: str) -> str:
    """Free text a detector or an expectation wrote, its long numbers cut to 3 significant
    digits as ``number`` shows them: ``0.0396 (baseline 0.00446)``."""
    return _LONG_NUMBER.sub(lambda m: number(float(m.group())), text)


def with_unit(value: float | None, unit: str | None) -> str:
    text = number(value)
    return f"{text} {unit}" if unit and value is not None else text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def item_text(item: object) -> str:
    """An evidence item on one line: text as is, ``{title, url}`` as ``title: url``, other
    mappings as ``key=value`` pairs (floats rounded)."""
    if isinstance(item, dict):
        if (line := recurrence_line(item)) is not None:  # a runbook or past run, ranked, and why
            return one_line(line)
        if "title" in item and "url" in item:
            return one_line(f"{item['title']}: {item['url'] or 'not found'}")
        return one_line(", ".join(f"{k}={_item_value(v)}" for k, v in item.items()))
    return one_line(str(item))


def _item_value(value: object) -> object:
    """A measured float rounded like every other number of the reports."""
    return number(value) if isinstance(value, float) else value


def one_line(text: str) -> str:
    """Collapse newlines and runs of spaces: a timeline entry is one line."""
    return " ".join(str(text).split())


def mitigate_words(nothing_to_revert: bool, mitigate_s: float | None, by: str | None) -> str:
    """Time to mitigate as every report words it: an instant fault has nothing to revert."""
    if nothing_to_revert:
        return "nothing to revert (the fault was instant)"
    if mitigate_s is None:
        return "no revert"
    return f"{seconds(mitigate_s)}" + (f" (first revert by {by})" if by else "")
