"""One plain-text line per journal event worth showing in an incident timeline.

High-rate events (``sample``, ``traffic.stats``), ``phase`` and ``source.available`` are not
timeline lines: they feed the figures (peaks, traffic totals) instead. Unknown event types are
skipped, so a newer engine's journal still renders with an older report module. Every line says
what the reports say elsewhere: evidence in honest words (``evidence.summary_words``), paths
relative to the project, measured numbers rounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from drillctl.core import events as ev
from drillctl.core.events import Alert, AlertState, JournalEvent
from drillctl.report import figures
from drillctl.report.evidence import Span, stopped_spans, summary_words
from drillctl.report.fmt import number, one_line, round_numbers, seconds, truncate, with_unit
from drillctl.report.model import TimelineEntry
from drillctl.report.paths import relative

LINE_LIMIT = 400  # characters of free text per timeline line


def build_timeline(
    events: Iterable[JournalEvent], operator: str, units: dict[str, str], root: str | None = None
) -> list[TimelineEntry]:
    ordered = list(events)
    who = _Who(operator, units, stopped_spans(ordered))
    entries: list[TimelineEntry] = []
    for event in _without_alert_echoes(ordered):
        render = _RENDERERS.get(type(event))
        text = render(event, who) if render is not None else ""
        if text:
            text = truncate(one_line(relative(round_numbers(text), root)), LINE_LIMIT)
            entries.append(TimelineEntry(at=event.ts, type=event.type, text=text))
    return entries


def _without_alert_echoes(events: Iterable[JournalEvent]) -> Iterable[JournalEvent]:
    """Prometheus and Alertmanager both report each alert transition; show it once, first seen."""
    state: dict[str, AlertState] = {}
    for event in events:
        if isinstance(event, Alert):
            name, now = event.name, event.state
            if state.get(name) == now:
                continue
            state[name] = now
        yield event


class _Who:
    """What a line needs besides its event: the operator, the units, the stopped containers."""

    def __init__(self, operator: str, units: dict[str, str], stops: dict[str, list[Span]]) -> None:
        self.operator = operator
        self.units = units
        self.stops = stops

    def value(self, signal: str, value: float | None) -> str:
        return with_unit(value, self.units.get(signal))


def _fault(e: Any) -> str:
    return str(e.id or f"fault {e.fault}")


def _what(e: ev.SourceUnavailable) -> str:
    """``prometheus``, or ``prometheus (signal bet_settled_waiting)`` when one query failed."""
    if e.signal:
        return f"{e.source} (signal {e.signal})"
    return f"{e.source} (evidence {e.evidence})" if e.evidence else e.source


def _run_started(e: ev.RunStarted, w: _Who) -> str:
    mode = e.mode if "mode" in e.model_fields_set else "?"
    if e.blind:
        return f"Blind drill started (scenario hidden), {mode}, operator {w.operator}"
    scenario = e.scenario
    sev = f", {scenario['severity']}" if scenario.get("severity") else ""
    name = scenario.get("name", "?")
    return f"Drill started: {name}{sev}, {mode}, operator {w.operator}"


def _run_ended(e: ev.RunEnded, w: _Who) -> str:
    reason = f": {e.reason}" if e.reason else ""
    return f"Drill ended: {e.result} (exit {e.exit_code}){reason}"


def _baseline(e: ev.Baseline, w: _Who) -> str:
    if e.no_data:
        return f"Baseline {e.signal}: {e.no_data}"
    spread = f" ± {number(e.spread)}" if e.spread is not None else ""
    unit = f" {e.unit}" if e.unit else ""
    return f"Baseline {e.signal}: {number(e.centre)}{spread}{unit} ({e.samples} samples)"


def _injected(e: ev.FaultInjected, w: _Who) -> str:
    took = f" ({e.took})" if e.took else ""
    return f"Fault {_fault(e)} injected{took}"


def _reverted(e: ev.FaultReverted, w: _Who) -> str:
    if figures.nothing_done(e.result):
        return f"Fault {_fault(e)}: nothing to revert (the fault was instant)"
    return f"Fault {_fault(e)} reverted"


def _onset(e: ev.Onset, w: _Who) -> str:
    if e.evidence == "no data":
        return f"Onset: {e.signal} has no data (its producer is gone?)"
    return f"Onset: {e.signal} = {w.value(e.signal, e.value)} has moved away from its baseline"


def _symptom(e: ev.Symptom, w: _Who) -> str:
    rule = f"; {e.rule}" if e.rule else ""
    value = w.value(e.signal, e.value)
    return f"Symptom: {e.signal} = {value} (baseline {number(e.baseline)}{rule})"


def _recovered(e: ev.Recovered, w: _Who) -> str:
    value = w.value(e.signal, e.value)
    return f"Recovered: {e.signal} = {value} (baseline {number(e.baseline)})"


def _alert(e: ev.Alert, w: _Who) -> str:
    source = f" ({e.source})" if e.source else ""
    return f"Alert {e.name} {e.state}{source}"


def _evidence(e: ev.Evidence, w: _Who) -> str:
    source = f", {e.source}" if e.source else ""
    return f"Evidence ({e.kind}{source}): {summary_words(e, w.stops)}"


def _verdict(e: ev.HypothesisVerdict, w: _Who) -> str:
    verb = "matches" if e.matched else "does not match"
    keywords = f" (keywords: {', '.join(map(str, e.keywords_hit))})" if e.keywords_hit else ""
    return f"Verdict by {e.by}: hypothesis {verb} the root cause{keywords}"


def _expectation(e: ev.Expectation, w: _Who) -> str:
    status = "PASS" if e.passed else "FAIL"
    detail = f": {e.detail}" if e.detail else ""
    return f"Expectation {status} {e.name}{detail}"


def _revert_failed(e: ev.FaultRevertFailed, w: _Who) -> str:
    return f"REVERT FAILED {_fault(e)}: {e.error}. Left: {e.state}. To do: {e.todo}"


def _by(e: Any) -> str:
    return str(e.by or "?")


# each renderer gets the event of its key's type (typed in the named functions above)
_RENDERERS: dict[type[JournalEvent], Callable[[Any, _Who], str]] = {
    ev.RunStarted: _run_started,
    ev.RunEnded: _run_ended,
    ev.SourceUnavailable: lambda e, w: f"Source {_what(e)} unavailable: {e.reason}",
    ev.Baseline: _baseline,
    ev.FaultInjectStarted: lambda e, w: f"Injecting {_fault(e)}: {e.plan}",
    ev.FaultInjected: _injected,
    ev.FaultInjectFailed: lambda e, w: f"Fault {_fault(e)} failed to inject: {e.error}",
    ev.FaultRevertStarted: lambda e, w: f"Reverting {_fault(e)} (by {e.by})",
    ev.FaultReverted: _reverted,
    ev.FaultRevertFailed: _revert_failed,
    ev.Container: lambda e, w: f"Container {e.service}: {e.action}",
    ev.Onset: _onset,
    ev.Symptom: _symptom,
    ev.Recovered: _recovered,
    ev.Alert: _alert,
    ev.Evidence: _evidence,
    ev.ResponderAck: lambda e, w: f"{w.operator} acknowledged",
    ev.ResponderPage: lambda e, w: f"{w.operator}: if this were P0/P1 I would page now",
    ev.ResponderRevert: lambda e, w: f"{w.operator} pressed revert",
    ev.ResponderAbort: lambda e, w: f"{w.operator} aborted the drill",
    ev.ResponderHypothesis: lambda e, w: f"{w.operator} hypothesis: {e.text}",
    ev.ResponderDecision: lambda e, w: f"{w.operator} decision: {e.text}",
    ev.ResponderNote: lambda e, w: f"{w.operator} note: {e.text}",
    ev.ResponderChecklist: lambda e, w: f"{w.operator} checked: {e.item}",
    # no figure here: the time to hypothesis is defined once (figures.py) and shown in the header
    ev.HypothesisAuto: lambda e, w: f"drillctl hypothesis: {e.text}",
    ev.HypothesisVerdict: _verdict,
    ev.Expectation: _expectation,
    ev.Guardrail: lambda e, w: f"Guardrail {e.name}: {e.reason}",
    ev.GmHint: lambda e, w: f"Hint from {_by(e)}: {e.text}",
    ev.GmExtend: lambda e, w: f"{_by(e)} extended the fault by {seconds(e.seconds)}",
    ev.GmEndFault: lambda e, w: f"{_by(e)} ended the fault early",
    ev.GmVerdict: lambda e, w: f"{_by(e)}'s verdict: hypothesis {e.verdict or '?'}",
    ev.GmDebrief: lambda e, w: f"Debrief by {_by(e)}: {e.text}",
    ev.BlindRevealed: lambda e, w: f"Scenario revealed: {e.scenario or '?'}",
}
