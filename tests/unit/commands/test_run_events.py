"""A drill whose container events cannot be followed says so in its journal, and goes on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from drillctl.commands.run import _follow_or_say_why
from drillctl.core.errors import TargetError
from drillctl.core.events import SourceUnavailable
from drillctl.core.journal import Journal, read_events


class _NoEvents:
    def events(self, since: datetime) -> Any:
        raise TargetError("docker events: permission denied while trying to connect")


class _TwoEvents:
    def events(self, since: datetime) -> Any:
        return iter(["start", "die"])


def _engine(tmp_path: Path) -> Any:
    clock = SimpleNamespace(now=lambda: datetime(2026, 12, 7, 20, 0, tzinfo=UTC))
    return SimpleNamespace(clock=clock, journal=Journal(tmp_path / "journal.jsonl"))


def test_an_event_stream_that_fails_is_journalled_as_an_unavailable_source(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    asyncio.run(_follow_or_say_why(_NoEvents(), engine, lambda event: None))  # type: ignore[arg-type]
    engine.journal.close()
    (event,) = read_events(tmp_path / "journal.jsonl")
    assert isinstance(event, SourceUnavailable)
    assert event.source == "docker-events"
    assert event.reason == (
        "container events are not followed: docker events: permission denied while trying to"
        " connect"
    )


def test_events_that_flow_reach_the_sink_and_journal_nothing(tmp_path: Path) -> None:
    engine, seen = _engine(tmp_path), []
    asyncio.run(_follow_or_say_why(_TwoEvents(), engine, seen.append))  # type: ignore[arg-type]
    engine.journal.close()
    assert seen == ["start", "die"]
    assert read_events(tmp_path / "journal.jsonl") == []
