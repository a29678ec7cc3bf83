"""One internal time type (aware UTC datetime), converted at each client edge by a named helper.

Every observability API counts time in a different unit (see shared/api-contracts.md §0); a wrong
unit silently queries 1970. These helpers are the only place that knows the units.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: drillctl keeps every instant timezone-aware (UTC)")
    return at


def to_prom_s(at: datetime) -> float:
    """Prometheus `time`/`start`/`end`: Unix seconds (float)."""
    return _aware(at).timestamp()


def to_loki_ns(at: datetime) -> int:
    """Loki `start`/`end`: Unix nanoseconds as an integer (>10 digits, so never read as seconds)."""
    aware = _aware(at)
    return int(aware.replace(microsecond=0).timestamp()) * 1_000_000_000 + aware.microsecond * 1000


def to_jaeger_us(at: datetime) -> int:
    """Jaeger v1 `start`/`end`: Unix microseconds."""
    aware = _aware(at)
    return int(aware.replace(microsecond=0).timestamp()) * 1_000_000 + aware.microsecond


def to_grafana_ms(at: datetime) -> int:
    """Grafana annotation `time`/`timeEnd`, search `from`/`to` and deep links: Unix milliseconds."""
    aware = _aware(at)
    return int(aware.replace(microsecond=0).timestamp()) * 1000 + aware.microsecond // 1000


def to_rfc3339(at: datetime) -> str:
    """RFC3339 with nanosecond-free precision, `Z` suffix (Jaeger v3, Alertmanager)."""
    return _aware(at).astimezone(UTC).isoformat().replace("+00:00", "Z")


def _from_seconds(seconds: float) -> datetime:
    """A server's timestamp; one outside the calendar is a ValueError (not OSError/Overflow)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"timestamp {seconds!r} is not a number")
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"timestamp {seconds!r} is out of range") from exc


def from_unix_s(value: float) -> datetime:
    return _from_seconds(float(value))


def from_unix_ns(value: int | str) -> datetime:
    ns = int(value)
    return _from_seconds(ns // 1_000_000_000).replace(microsecond=(ns % 1_000_000_000) // 1000)


def from_unix_us(value: int | str) -> datetime:
    us = int(value)
    return _from_seconds(us // 1_000_000).replace(microsecond=us % 1_000_000)


def parse_rfc3339(text: str) -> datetime | None:
    """Parse an RFC3339 instant; Go's zero time (`0001-01-01T00:00:00Z`) means no time: None."""
    if text.startswith("0001-01-01"):
        return None
    cleaned = text.replace("Z", "+00:00")
    if "." in cleaned:  # Go prints up to 9 fractional digits; Python takes 6
        head, rest = cleaned.split(".", 1)
        digits = "".join(itertools.takewhile(str.isdigit, rest))  # stop at the offset's sign
        tail = rest[len(digits) :]
        cleaned = f"{head}.{digits[:6].ljust(6, '0')}{tail}"
    return datetime.fromisoformat(cleaned).astimezone(UTC)
