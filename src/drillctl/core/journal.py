"""The journal: the single source of truth of a run.

An append-only JSONL file, ``.drillctl/runs/<run-id>/journal.jsonl``. Each line is one ``Event``:
``{"seq", "ts" (UTC ISO 8601 wall clock), "mono" (monotonic seconds), "type", "data"}``. Every
append is flushed and fsynced before the caller goes on, so a hard kill loses nothing that was
done. Reports, the timeline, JUnit, history and ``recover`` are all computed from these events.

Data is passed through the run's ``Redactor`` before it is written: no secret is ever journalled.

The event types and their fields are the models of ``drillctl.core.events`` (the contract).
A line that is not JSON, has an unknown type or does not fit its model is kept out of the run
and counted (``JournalRead.unreadable``): every report says how many lines it could not read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.events import ENVELOPE, UNSET, Event, JournalEvent
from drillctl.core.redact import Redactor

JOURNAL_NAME = "journal.jsonl"

_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


class Line(BaseModel):
    """One journal line as written: the envelope and the event's fields under ``data``."""

    model_config = ConfigDict(frozen=True)

    seq: int
    ts: datetime
    mono: float
    type: str
    data: dict[str, Any] = {}


def load_line(line: Mapping[str, Any]) -> Event:
    """A line read from a journal file, migrated from older schemas; raises ValueError."""
    data = dict(line.get("data") or {})
    if line.get("type") == "run.started":
        data.setdefault("schema_version", 1)  # 0.1.0 wrote no version (and no other change)
    return parse_line({**line, "data": data})


def parse_line(line: Mapping[str, Any]) -> Event:
    """A line's JSON object (current schema) as a typed event; raises ValueError."""
    data = dict(line.get("data") or {})
    kind = line.get("type")
    fields = {_field_name(kind, k): v for k, v in data.items() if k not in ENVELOPE or k == "type"}
    envelope = {k: line.get(k) for k in ENVELOPE}
    return _EVENT.validate_python({**fields, **envelope})


def _field_name(kind: object, key: str) -> str:
    # the one clash: fault.inject-started's data.type (the fault type) vs the event's type
    return "fault_type" if key == "type" and kind == "fault.inject-started" else key


def make_event(event: JournalEvent | str, **data: Any) -> Event:
    """``event`` as a typed, unstamped event; a type name and its data are validated into one."""
    kind, fields = (event, data) if isinstance(event, str) else (event.type, event.data)
    return parse_line({"seq": 0, "ts": UNSET, "mono": 0.0, "type": kind, "data": fields})


def with_data(event: JournalEvent, **data: Any) -> Event:
    """``event`` with some of its fields replaced (keys as in the line's ``data``)."""
    line = {k: getattr(event, k) for k in ENVELOPE}
    return parse_line({**line, "data": {**event.data, **data}})


def to_line(event: JournalEvent) -> str:
    line = Line(seq=event.seq, ts=event.ts, mono=event.mono, type=event.type, data=event.data)
    return line.model_dump_json()


class Journal:
    """Appends events to a run's journal; each append is durable before it returns."""

    def __init__(
        self, path: Path, *, clock: Clock | None = None, redactor: Redactor | None = None
    ) -> None:
        self.path = path
        self._clock = clock or SystemClock()
        self._redactor = redactor or Redactor()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._seq = max((e.seq for e in iter_events(path)), default=0) if path.exists() else 0
        _end_torn_line(path)
        self._file = path.open("a", encoding="utf-8")
        # called with each event once it is durable (progress lines): the file stays the truth
        self.observers: list[Callable[[Event], None]] = []

    def append(self, event: JournalEvent | str, **data: Any) -> Event:
        """Stamp, redact and write ``event``; returns it as written. ``append("type", **data)``
        is the 0.1.0 form, kept while readers and writers move to the models."""
        self._seq += 1
        kind, fields = (event, data) if isinstance(event, str) else (event.type, event.data)
        stamped = parse_line(  # validated again after redaction: the event as written
            {
                "seq": self._seq,
                "ts": self._clock.now(),
                "mono": self._clock.monotonic(),
                "type": kind,
                "data": self._redactor.redact_obj(fields),
            }
        )
        self._file.write(to_line(stamped) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        for observe in self.observers:
            observe(stamped)
        return stamped

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _end_torn_line(path: Path) -> None:
    """After a hard kill mid-write the file ends without a newline: end that line first, or the
    next event would be glued to it and lost with it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) != b"\n":
            handle.write(b"\n")


@dataclass
class JournalRead:
    """A journal as read: its events, and how many lines could not be read (torn, not JSON,
    an unknown type, or not fitting the type's model)."""

    events: list[Event] = field(default_factory=list)
    unreadable: int = 0


def read_journal(path: Path) -> JournalRead:
    read = JournalRead()
    # errors="replace": a write torn inside a multi-byte character must not stop the reader
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                read.events.append(load_line(json.loads(line)))
            except (ValueError, TypeError, AttributeError, RecursionError):  # "[[[[..." 5000 deep
                read.unreadable += 1
    return read


def iter_events(path: Path) -> Iterator[Event]:
    """The events of a journal; lines it cannot read are skipped (``read_journal`` counts them)."""
    yield from read_journal(path).events


def read_events(path: Path) -> list[Event]:
    return read_journal(path).events
