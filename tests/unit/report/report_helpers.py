"""Helpers for the report tests: the synthetic journals under tests/fixtures/journals, and small
edits of an event list (add, drop, change events) to make variants of them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from drillctl.core.journal import Event, parse_line, read_events, with_data

JOURNALS = Path(__file__).resolve().parents[2] / "fixtures" / "journals"
NAMES = (
    "passed-unattended",
    "interactive",
    "failed",
    "aborted",
    "revert-failed",
    "not-steady",
    "blind",
)


def load(name: str) -> list[Event]:
    return read_events(JOURNALS / f"{name}.jsonl")


def run_id_of(name: str) -> str:
    return str(load(name)[0].data["run_id"])


def with_events(events: list[Event], *extra: tuple[str, str, dict[str, Any]]) -> list[Event]:
    """``events`` plus ``(ISO time, type, data)`` events appended with the next seq numbers."""
    out = list(events)
    for at, type_, data in extra:
        ts = datetime.fromisoformat(at.replace("Z", "+00:00"))
        line = {"seq": len(out) + 1, "ts": ts, "mono": 0.0, "type": type_, "data": data}
        out.append(parse_line(line))
    return out


def without(events: list[Event], *types: str) -> list[Event]:
    return [e for e in events if e.type not in types]


def replace_data(events: list[Event], type_: str, **data: Any) -> list[Event]:
    """Events with ``data`` merged into every event of ``type_``."""
    return [with_data(e, **data) if e.type == type_ else e for e in events]
