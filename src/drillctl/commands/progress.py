"""Progress lines: what an unattended drill is doing, one timestamped line per event that matters.

``drillctl run --non-interactive``, ``make demo``, CI and each drill of ``drillctl suite`` print
these on stderr (stdout stays the report), so a CI log shows the drill moving instead of a
silent minute and a half. ``line_for`` is a pure function of a typed journal event; ``Progress``
is the journal observer that writes the lines. ``--quiet`` keeps only the result line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from drillctl.core.events import (
    Alert,
    Baseline,
    Event,
    Expectation,
    FaultInjected,
    FaultInjectFailed,
    FaultInjectStarted,
    FaultReverted,
    FaultRevertFailed,
    FaultRevertStarted,
    Guardrail,
    HypothesisAuto,
    HypothesisVerdict,
    PhaseStarted,
    Recovered,
    ResponderHypothesis,
    RunEnded,
    RunStarted,
    SilenceCreated,
    SilenceExpired,
    SourceUnavailable,
    Symptom,
)
from drillctl.report.fmt import number  # one way to write a measured value, as the reports do


def line_for(event: Event, *, quiet: bool = False) -> str | None:
    """The progress line of ``event`` (``HH:MM:SS text``, UTC), None for an event that does not
    matter to a reader of the log (samples, container events, traffic windows...)."""
    if quiet and not isinstance(event, RunEnded):
        return None
    describe = _TEXT.get(type(event))
    text = describe(event) if describe else None
    return None if text is None else f"{event.ts:%H:%M:%S} {text}"


def _started(e: RunStarted) -> str:
    name = e.scenario.get("name") or "?"
    return f"run {e.run_id}: scenario {name}, {e.mode}"


def _baseline(e: Baseline) -> str:
    if e.centre is None:  # not measured: no centre and no spread to print
        return f"baseline {e.signal}: no data ({e.samples} samples)"
    unit = f" {e.unit}" if e.unit else ""
    return (
        f"baseline {e.signal}: {number(e.centre)}{unit} ±{number(e.spread)} ({e.samples} samples)"
    )


def _injected(e: FaultInjected) -> str:
    line = f"fault {e.fault} injected"
    if e.effective_at:  # when it took effect: the engine holds the fault from there
        line += f", effective at {_clock(e.effective_at)}"
    return line + (f" ({e.took})" if e.took else "")


def _clock(iso: str) -> str:
    """An ISO 8601 instant on the log's own clock (HH:MM:SS), as written when it is not one."""
    try:
        return f"{datetime.fromisoformat(iso):%H:%M:%S}"
    except ValueError:
        return iso


def _symptom(e: Symptom) -> str:
    value = "no data" if e.value is None else number(e.value)
    return f"symptom {e.signal}: {value} (baseline {number(e.baseline)}, {e.rule})"


def _alert(e: Alert) -> str:
    # Prometheus and Alertmanager both report an alert: name the source, or it reads as a repeat
    notes = [e.source] if e.source else []
    notes += ["silenced"] if e.silenced else []
    return f"alert {e.state}: {e.name}" + (f" ({', '.join(notes)})" if notes else "")


def _verdict(e: HypothesisVerdict) -> str:
    hit = f" ({', '.join(e.keywords_hit)})" if e.keywords_hit else ""
    return f"hypothesis {'matches' if e.matched else 'does not match'} the fault{hit}"


def _expectation(e: Expectation) -> str:
    detail = f": {e.detail}" if e.detail else ""
    return f"expectation {e.name}: {'PASS' if e.passed else 'FAIL'}{detail}"


def _silence(e: SilenceCreated) -> str:
    return f"silence {e.id} created, ends by {_clock(e.ends_at)}"


def _silence_expired(e: SilenceExpired) -> str:
    return f"silence {e.id} " + (f"NOT expired: {e.error}" if e.error else "expired")


_TEXT: dict[type[Any], Callable[[Any], str]] = {
    RunStarted: _started,
    PhaseStarted: lambda e: f"phase {e.phase}",
    Baseline: _baseline,
    SilenceCreated: _silence,
    FaultInjectStarted: lambda e: f"fault {e.fault} injecting: {e.plan or e.fault_type}",
    FaultInjected: _injected,
    FaultInjectFailed: lambda e: f"fault {e.fault} injection FAILED: {e.error}",
    SourceUnavailable: lambda e: f"source {e.source} unavailable: {e.reason}",
    Symptom: _symptom,
    Alert: _alert,
    HypothesisAuto: lambda e: f"hypothesis: {e.text}",
    ResponderHypothesis: lambda e: f"responder hypothesis: {e.text}",
    HypothesisVerdict: _verdict,
    Guardrail: lambda e: f"guardrail {e.name}: {e.reason}",
    FaultRevertStarted: lambda e: f"fault {e.fault} reverting (by {e.by})",
    FaultReverted: lambda e: f"fault {e.fault} reverted",
    FaultRevertFailed: lambda e: f"fault {e.fault} revert FAILED: {e.error}",
    Recovered: lambda e: f"recovered {e.signal}: {number(e.value)} (baseline {number(e.baseline)})",
    SilenceExpired: _silence_expired,
    Expectation: _expectation,
    RunEnded: lambda e: f"result {e.result} (exit {e.exit_code}): {e.reason}",
}


class Progress:
    """A journal observer writing each event's progress line to ``stream`` (stderr)."""

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self._stream = stream
        self._quiet = quiet

    def __call__(self, event: Event) -> None:
        line = line_for(event, quiet=self._quiet)
        if line is None:
            return
        # a closed or broken stderr must not stop the drill
        with contextlib.suppress(OSError, ValueError):
            print(line, file=self._stream, flush=True)
