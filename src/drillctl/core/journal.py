"""The journal: the single source of truth of a run.

An append-only JSONL file, ``.drillctl/runs/<run-id>/journal.jsonl``. Each line is one ``Event``:
``{"seq", "ts" (UTC ISO 8601 wall clock), "mono" (monotonic seconds), "type", "data"}``. Every
append is flushed and fsynced before the caller goes on, so a hard kill loses nothing that was
done. Reports, the timeline, JUnit, history and ``recover`` are all computed from these events.

Data is passed through the run's ``Redactor`` before it is written: no secret is ever journalled.

Event types and their ``data`` (the contract between the engine, faults, observer, reports):

run lifecycle
  run.started        run_id, scenario{name,title,severity,description,objective,root_cause{summary,
                     keywords},runbook}, scenario_file, mode: interactive|unattended,
                     operator, target{driver,project,project_dir,files}, seed, blind (bool),
                     drillctl_version, dashboards{title: url} (deep links for the drill window)
  phase              phase: preflight|traffic|baseline|inject|observe|revert|recover|report
  run.ended          exit_code (int), reason (str),
                     result: passed|failed|aborted|revert-failed|not-steady|invalid
faults (``fault`` is the 0-based index of the fault in the scenario; ``id`` its name or type)
  fault.inject-started  fault, id, type, plan (one line), undo{...} (enough for a later process
                        to revert: written BEFORE the fault acts)
  fault.injected        fault, id, result{...}  (e.g. a host-command's pid, a storm's counts)
  fault.inject-failed   fault, id, error
  fault.revert-started  fault, id, by: engine|responder|guardrail|signal|recover|game-master
  fault.reverted        fault, id, result{...}
  fault.revert-failed   fault, id, error, state (what the stack is left in), todo (what to run)
target
  container          service, action (die|start|stop|kill|pause|unpause|health_status...),
                     at (engine's own time, ISO 8601), container_id
observer
  source.unavailable source, reason           source.available   source
  baseline           signal, centre, spread, samples (count), unit, primary (bool: judges
                     steadiness, detection and recovery)
  sample             signal, value (float | null), at (ISO 8601 of the sample)
  symptom            signal, value, baseline, rule (text), first_breach_at, confirmed_at
  recovered          signal, value, baseline, first_normal_at, confirmed_at
  alert              name, state: pending|firing|resolved, source: prometheus|alertmanager,
                     active_at, labels{}
  evidence           kind: log|trace|dashboard|runbook|probe|storm, source, summary, items[...]
traffic
  traffic.stats      window_s, sent, ok, errors, p50_ms, p95_ms, by_kind{}
responder / game master / verdicts
  responder.ack | responder.page | responder.revert | responder.abort    (no data)
  responder.hypothesis | responder.decision | responder.note             text
  responder.checklist                                                     item
  hypothesis.auto    text, evidence[...], seconds (time it took to form)
  hypothesis.verdict matched (bool), keywords_hit[...], by ("drillctl" or a person's name)
  expectation        name, passed (bool), detail, expected, actual
  guardrail          name, reason
  gm.hint            text, by          gm.extend  seconds, by       gm.end-fault  by
  gm.verdict         verdict: correct|incorrect, by     gm.debrief  text, by
  blind.revealed     scenario (name)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.redact import Redactor

JOURNAL_NAME = "journal.jsonl"


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    ts: datetime
    mono: float
    type: str
    data: dict[str, Any] = {}


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

    def append(self, type_: str, **data: Any) -> Event:
        self._seq += 1
        event = Event(
            seq=self._seq,
            ts=self._clock.now(),
            mono=self._clock.monotonic(),
            type=type_,
            data=self._redactor.redact_obj(data),
        )
        self._file.write(event.model_dump_json() + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        return event

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


def iter_events(path: Path) -> Iterator[Event]:
    """Read a journal; a torn last line (hard kill mid-write) is skipped, not fatal."""
    # errors="replace": a write torn inside a multi-byte character must not stop the reader
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                yield Event.model_validate(json.loads(line))
            except (ValueError, TypeError, RecursionError):  # RecursionError: "[[[[..." 5000 deep
                continue


def read_events(path: Path) -> list[Event]:
    return list(iter_events(path))
