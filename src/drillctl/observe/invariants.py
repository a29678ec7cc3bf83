"""Invariants of ``expect`` (``jobs lost == 0``): one number read now, compared, never raising."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import Source
from drillctl.scenario.model import Invariant, Signal


@dataclass(frozen=True)
class InvariantResult:
    name: str
    passed: bool
    value: float | None
    expected: str  # "== 0", "> 0 and < 10", "any value"
    detail: str  # the value, or why there is none


def expected_text(inv: Invariant) -> str:
    parts = [
        f"== {inv.equals:g}" if inv.equals is not None else "",
        f"> {inv.above:g}" if inv.above is not None else "",
        f"< {inv.below:g}" if inv.below is not None else "",
    ]
    return " and ".join(p for p in parts if p) or "any value"


def holds(inv: Invariant, value: float) -> bool:
    return (
        (inv.equals is None or abs(value - inv.equals) < 1e-9)
        and (inv.above is None or value > inv.above)
        and (inv.below is None or value < inv.below)
    )


def as_signal(inv: Invariant) -> Signal:
    """The invariant as a signal its source can read (the symptom rule is never used)."""
    return Signal.model_validate(
        {
            "name": re.sub(r"[^A-Za-z0-9_.-]", "-", inv.name) or "invariant",
            "source": inv.source,
            "query": inv.query,
            "dsn": inv.dsn,
            "symptom": {"above": 0},
        }
    )


async def check_invariant(
    inv: Invariant, sources: Mapping[str, Source], at: datetime, *, timeout: float = 10.0
) -> InvariantResult:
    expected = expected_text(inv)
    source = sources.get(inv.source)
    if source is None:
        return InvariantResult(
            inv.name, False, None, expected, f"source {inv.source} not configured"
        )
    try:
        value = await asyncio.wait_for(source.read(as_signal(inv), at), timeout)
    except SourceUnavailable as exc:
        return InvariantResult(inv.name, False, None, expected, exc.reason)
    except TimeoutError:
        return InvariantResult(inv.name, False, None, expected, f"no answer within {timeout:g}s")
    if value is None:
        return InvariantResult(inv.name, False, None, expected, "no data")
    passed = holds(inv, value)
    verdict = "ok" if passed else f"expected {expected}"
    return InvariantResult(inv.name, passed, value, expected, f"{value:g} ({verdict})")
