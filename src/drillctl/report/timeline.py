"""One plain-text line per journal event worth showing in an incident timeline.

High-rate events (``sample``, ``traffic.stats``), ``phase`` and ``source.available`` are not
timeline lines: they feed the figures (peaks, traffic totals) instead. Unknown event types are
skipped, so a newer engine's journal still renders with an older report module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from drillctl.core.events import Alert, AlertState
from drillctl.core.journal import Event
from drillctl.report.fmt import number, one_line, seconds, truncate, with_unit
from drillctl.report.model import TimelineEntry

LINE_LIMIT = 400  # characters of free text per timeline line

Data = dict[str, Any]


def build_timeline(
    events: Iterable[Event], operator: str, units: dict[str, str]
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for event in _without_alert_echoes(events):
        render = _RENDERERS.get(event.type)
        if render is None:
            continue
        text = render(event.data, _Who(operator, units))
        if text:
            entries.append(
                TimelineEntry(
                    at=event.ts, type=event.type, text=truncate(one_line(text), LINE_LIMIT)
                )
            )
    return entries


def _without_alert_echoes(events: Iterable[Event]) -> Iterable[Event]:
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
    def __init__(self, operator: str, units: dict[str, str]) -> None:
        self.operator = operator
        self.units = units

    def value(self, data: Data, key: str = "value") -> str:
        return with_unit(_float(data.get(key)), self.units.get(str(data.get("signal"))))


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _fault(data: Data) -> str:
    return str(data.get("id") or f"fault {data.get('fault', '?')}")


def _what(d: Data) -> str:
    """``prometheus``, or ``prometheus (signal bet_settled_waiting)`` when one query failed."""
    for key in ("signal", "evidence"):
        if d.get(key):
            return f"{d.get('source')} ({key} {d[key]})"
    return str(d.get("source"))


def _run_started(d: Data, w: _Who) -> str:
    scenario = d.get("scenario") or {}
    if d.get("blind"):
        return f"Blind drill started (scenario hidden), {d.get('mode', '?')}, operator {w.operator}"
    sev = f", {scenario['severity']}" if scenario.get("severity") else ""
    name = scenario.get("name", "?")
    return f"Drill started: {name}{sev}, {d.get('mode', '?')}, operator {w.operator}"


def _run_ended(d: Data, w: _Who) -> str:
    reason = f": {d['reason']}" if d.get("reason") else ""
    return f"Drill ended: {d.get('result', '?')} (exit {d.get('exit_code', '?')}){reason}"


def _baseline(d: Data, w: _Who) -> str:
    if d.get("no_data"):
        return f"Baseline {d.get('signal')}: {d['no_data']}"
    spread = f" ± {number(_float(d.get('spread')))}" if d.get("spread") is not None else ""
    unit = f" {d['unit']}" if d.get("unit") else ""
    centre = number(_float(d.get("centre")))
    return f"Baseline {d.get('signal')}: {centre}{spread}{unit} ({d.get('samples', '?')} samples)"


def _injected(d: Data, w: _Who) -> str:
    took = f" ({d['took']})" if d.get("took") else ""
    return f"Fault {_fault(d)} injected{took}"


def _onset(d: Data, w: _Who) -> str:
    if d.get("evidence") == "no data":
        return f"Onset: {d.get('signal')} has no data (its producer is gone?)"
    return f"Onset: {d.get('signal')} = {w.value(d)} has moved away from its baseline"


def _symptom(d: Data, w: _Who) -> str:
    rule = f"; {d['rule']}" if d.get("rule") else ""
    base = number(_float(d.get("baseline")))
    return f"Symptom: {d.get('signal')} = {w.value(d)} (baseline {base}{rule})"


def _recovered(d: Data, w: _Who) -> str:
    base = number(_float(d.get("baseline")))
    return f"Recovered: {d.get('signal')} = {w.value(d)} (baseline {base})"


def _alert(d: Data, w: _Who) -> str:
    source = f" ({d['source']})" if d.get("source") else ""
    return f"Alert {d.get('name')} {d.get('state')}{source}"


def _evidence(d: Data, w: _Who) -> str:
    source = f", {d['source']}" if d.get("source") else ""
    return f"Evidence ({d.get('kind')}{source}): {d.get('summary', '')}"


def _verdict(d: Data, w: _Who) -> str:
    verb = "matches" if d.get("matched") else "does not match"
    hits = d.get("keywords_hit") or []
    keywords = f" (keywords: {', '.join(map(str, hits))})" if hits else ""
    return f"Verdict by {d.get('by', '?')}: hypothesis {verb} the root cause{keywords}"


def _expectation(d: Data, w: _Who) -> str:
    status = "PASS" if d.get("passed") else "FAIL"
    detail = f": {d['detail']}" if d.get("detail") else ""
    return f"Expectation {status} {d.get('name')}{detail}"


def _revert_failed(d: Data, w: _Who) -> str:
    return (
        f"REVERT FAILED {_fault(d)}: {d.get('error', '?')}. Left: {d.get('state', '?')}. "
        f"To do: {d.get('todo', '?')}"
    )


_RENDERERS: dict[str, Callable[[Data, _Who], str]] = {
    "run.started": _run_started,
    "run.ended": _run_ended,
    "source.unavailable": lambda d, w: f"Source {_what(d)} unavailable: {d.get('reason', '')}",
    "baseline": _baseline,
    "fault.inject-started": lambda d, w: f"Injecting {_fault(d)}: {d.get('plan', '')}",
    "fault.injected": _injected,
    "fault.inject-failed": lambda d, w: f"Fault {_fault(d)} failed to inject: {d.get('error', '')}",
    "fault.revert-started": lambda d, w: f"Reverting {_fault(d)} (by {d.get('by', '?')})",
    "fault.reverted": lambda d, w: f"Fault {_fault(d)} reverted",
    "fault.revert-failed": _revert_failed,
    "container": lambda d, w: f"Container {d.get('service')}: {d.get('action')}",
    "onset": _onset,
    "symptom": _symptom,
    "recovered": _recovered,
    "alert": _alert,
    "evidence": _evidence,
    "responder.ack": lambda d, w: f"{w.operator} acknowledged",
    "responder.page": lambda d, w: f"{w.operator}: if this were P0/P1 I would page now",
    "responder.revert": lambda d, w: f"{w.operator} pressed revert",
    "responder.abort": lambda d, w: f"{w.operator} aborted the drill",
    "responder.hypothesis": lambda d, w: f"{w.operator} hypothesis: {d.get('text', '')}",
    "responder.decision": lambda d, w: f"{w.operator} decision: {d.get('text', '')}",
    "responder.note": lambda d, w: f"{w.operator} note: {d.get('text', '')}",
    "responder.checklist": lambda d, w: f"{w.operator} checked: {d.get('item', '')}",
    # no figure here: the time to hypothesis is defined once (figures.py) and shown in the header
    "hypothesis.auto": lambda d, w: f"drillctl hypothesis: {d.get('text', '')}",
    "hypothesis.verdict": _verdict,
    "expectation": _expectation,
    "guardrail": lambda d, w: f"Guardrail {d.get('name')}: {d.get('reason', '')}",
    "gm.hint": lambda d, w: f"Hint from {d.get('by', '?')}: {d.get('text', '')}",
    "gm.extend": lambda d, w: (
        f"{d.get('by', '?')} extended the fault by {seconds(_float(d.get('seconds')))}"
    ),
    "gm.end-fault": lambda d, w: f"{d.get('by', '?')} ended the fault early",
    "gm.verdict": lambda d, w: f"{d.get('by', '?')}'s verdict: hypothesis {d.get('verdict', '?')}",
    "gm.debrief": lambda d, w: f"Debrief by {d.get('by', '?')}: {d.get('text', '')}",
    "blind.revealed": lambda d, w: f"Scenario revealed: {d.get('scenario', '?')}",
}
