"""The responder's live panel: a pure rendering of the journal's events, sized for 80x24.

``PanelView.fold(events)`` builds everything the panel shows from the events alone (timers,
signals with baseline and current value, firing alerts, the first-five-minute checklist with what
drillctl found for each step, the responder's last words); ``render(view, now, prompt)`` turns it
into a rich renderable. The engine refreshes it from the live journal a few times a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from drillctl.core.events import (
    RESPONDER_EVENTS,
    RESPONDER_WORDS,
    Alert,
    AlertState,
    Baseline,
    BlindRevealed,
    Container,
    Evidence,
    FaultInjected,
    FaultReverted,
    FaultRevertStarted,
    GmHint,
    JournalEvent,
    PhaseStarted,
    Recovered,
    ResponderAck,
    ResponderChecklist,
    ResponderPage,
    RunEnded,
    RunStarted,
    Sample,
    SourceUnavailable,
    Symptom,
)
from drillctl.operator.blind import signal_label
from drillctl.report.evidence import stopped_spans, summary_words
from drillctl.report.figures import nothing_done, symptom_clock

CHECKLIST = (
    "acknowledge",
    "open the dashboards",
    "query error spans",
    "check logs",
    "search for a recurrence",
    "if this were P0/P1 I would page now",
)
KEYS = "a ack  h hypothesis  d decision  n note  1-6 tick  p page  r revert  q abort"
WIDTH = 80
MAX_SIGNALS = 5


@dataclass
class SignalRow:
    name: str
    unit: str | None = None
    baseline: float | None = None
    value: float | None = None
    state: str = "normal"


@dataclass
class PanelView:
    title: str = ""
    phase: str = "preflight"
    injected_at: datetime | None = None
    symptom_at: datetime | None = None
    reverted: str | None = None  # who reverted first
    # per fault reverted: whether its revert had nothing to put back (a FLUSHDB); all of them:
    # "nothing to revert", in the reports' words (figures.nothing_to_revert)
    nothing_put_back: list[bool] = field(default_factory=list)
    signals: dict[str, SignalRow] = field(default_factory=dict)
    alerts: dict[str, str] = field(default_factory=dict)
    ticked: set[int] = field(default_factory=set)
    found: dict[int, str] = field(default_factory=dict)  # checklist item -> what drillctl found
    last_words: list[str] = field(default_factory=list)
    ended: str | None = None
    blind: bool = False  # a blind drill: signals unnamed, drillctl's findings kept back
    hint: str | None = None  # the game master's latest hint
    # baselines and symptoms: what the symptom clock is read from
    marks: list[JournalEvent] = field(default_factory=list)
    # container events: a stopped service's logs say it was stopped, not "0 log lines"
    containers: list[JournalEvent] = field(default_factory=list)

    @classmethod
    def fold(cls, events: Sequence[JournalEvent]) -> PanelView:
        view = cls()
        for event in events:
            view.apply(event)
        return view

    def apply(self, event: JournalEvent) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)
        elif isinstance(event, RESPONDER_EVENTS):
            self._responder(event)

    def _responder(self, event: JournalEvent) -> None:
        kind = event.type.removeprefix("responder.")
        if isinstance(event, ResponderAck):
            self.ticked.add(1)
        elif isinstance(event, ResponderPage):
            self.ticked.add(6)
        elif isinstance(event, ResponderChecklist):
            self.ticked.update(_item_number(event.item))
        text = event.text if isinstance(event, RESPONDER_WORDS) else None
        line = f"{event.ts:%H:%M:%S} {kind}" + (f": {text}" if text else "")
        self.last_words = [*self.last_words[-1:], line]


def _item_number(item: Any) -> set[int]:
    if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
        return {int(item)}
    return {i + 1 for i, name in enumerate(CHECKLIST) if name == item}


def _on_started(view: PanelView, event: RunStarted) -> None:
    scenario = event.scenario
    name, severity = scenario.get("name", "?"), scenario.get("severity", "?")
    view.title = f"{name} ({severity}) · run {event.run_id}"
    view.blind = event.blind
    if event.dashboards:  # a title without a URL: no Grafana known yet, the evidence may bring it
        view.found[2] = " ".join(
            f"[link={url}]{title}[/link]" if url else Text(str(title)).markup
            for title, url in event.dashboards.items()
        )


def _on_phase(view: PanelView, event: PhaseStarted) -> None:
    view.phase = str(event.phase)


def _on_injected(view: PanelView, event: FaultInjected) -> None:
    view.injected_at = view.injected_at or event.ts
    view.symptom_at = symptom_clock(view.marks, view.injected_at)


def _on_revert(view: PanelView, event: FaultRevertStarted) -> None:
    view.reverted = view.reverted or str(event.by)


def _on_reverted(view: PanelView, event: FaultReverted) -> None:
    view.nothing_put_back.append(nothing_done(event.result))


def _row(view: PanelView, signal: str) -> SignalRow:
    return view.signals.setdefault(signal, SignalRow(signal))


def _on_baseline(view: PanelView, event: Baseline) -> None:
    row = _row(view, event.signal)
    row.baseline, row.unit = event.centre, event.unit
    view.marks.append(event)  # a secondary signal's baseline keeps it off the symptom clock


def _on_sample(view: PanelView, event: Sample) -> None:
    _row(view, event.signal).value = event.value


def _on_symptom(view: PanelView, event: Symptom) -> None:
    _row(view, event.signal).state = "SYMPTOM"
    view.marks.append(event)
    view.symptom_at = symptom_clock(view.marks, view.injected_at)  # the reports' one clock


def _on_recovered(view: PanelView, event: Recovered) -> None:
    row = view.signals.get(event.signal)
    if row is not None:
        row.state = "recovered"


def _on_alert(view: PanelView, event: Alert) -> None:
    if event.state == AlertState.RESOLVED:
        view.alerts.pop(event.name, None)
    else:
        view.alerts[event.name] = str(event.state)


def _on_evidence(view: PanelView, event: Evidence) -> None:
    slot = {"trace": 3, "log": 4, "runbook": 5, "dashboard": 2}.get(event.kind)
    if slot == 2:  # the dashboards' deep links for the drill window
        items = [i for i in event.items if isinstance(i, dict) and i.get("url")]
        if items:
            view.found[2] = " ".join(
                f"[link={i['url']}]{Text(str(i.get('title') or 'dashboard')).markup}[/link]"
                for i in items
            )
    elif event.kind == "past-run" and not view.blind:  # beside the runbooks: both are step 5
        view.found[5] = "; ".join(filter(None, (view.found.get(5), Text(event.summary).markup)))
    elif slot is not None and slot not in view.found and not view.blind:
        words = summary_words(event, stopped_spans(view.containers))  # the reports' words
        view.found[slot] = Text(words).markup


# the checklist step each source serves: an unavailable one is said there, never "0 found"
_SOURCE_SLOTS = {"grafana": 2, "jaeger": 3, "loki": 4, "logs": 4, "recurrence": 5}


def _on_unavailable(view: PanelView, event: SourceUnavailable) -> None:
    slot = _SOURCE_SLOTS.get(event.source)
    if slot is not None and slot not in view.found and not view.blind:
        view.found[slot] = Text(f"{event.source} unavailable: {event.reason}").markup


def _on_container(view: PanelView, event: Container) -> None:
    view.containers.append(event)


def _on_ended(view: PanelView, event: RunEnded) -> None:
    view.ended = f"{event.result} (exit {event.exit_code})"


def _on_hint(view: PanelView, event: GmHint) -> None:
    view.hint = f"{event.ts:%H:%M:%S} hint from {event.by}: {event.text}"


def _on_revealed(view: PanelView, event: BlindRevealed) -> None:
    view.title = f"blind drill, revealed: {event.scenario}"


# each handler takes its own event model; the lookup is by the event's class
_HANDLERS: dict[type[JournalEvent], Callable[[PanelView, Any], None]] = {
    RunStarted: _on_started,
    PhaseStarted: _on_phase,
    FaultInjected: _on_injected,
    FaultRevertStarted: _on_revert,
    FaultReverted: _on_reverted,
    Baseline: _on_baseline,
    Sample: _on_sample,
    Symptom: _on_symptom,
    Recovered: _on_recovered,
    Alert: _on_alert,
    Evidence: _on_evidence,
    SourceUnavailable: _on_unavailable,
    Container: _on_container,
    RunEnded: _on_ended,
    GmHint: _on_hint,
    BlindRevealed: _on_revealed,
}


def _clock(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "--:--"
    seconds = max(int((now - since).total_seconds()), 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _num(value: Any, unit: str | None = None) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "-"
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}" if unit and len(unit) <= 4 else text


def _header(view: PanelView, now: datetime) -> Text:
    line = Text(f"drillctl · {view.title}"[:WIDTH], style="bold")
    timers = (
        f"\nphase {view.phase:<9} since injection {_clock(view.injected_at, now)}"
        f"   since symptom {_clock(view.symptom_at, now)}"
    )
    line.append(timers)
    if view.nothing_put_back and all(view.nothing_put_back):
        line.append("   nothing to revert", style="green")  # 80 columns: the short words
    elif view.reverted:
        line.append(f"   reverted by {view.reverted}", style="green")
    return line


def _signal_table(view: PanelView) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, width=WIDTH)
    table.add_column("signal", max_width=30, no_wrap=True, overflow="ellipsis")
    table.add_column("baseline", justify="right", no_wrap=True)
    table.add_column("now", justify="right", no_wrap=True)
    table.add_column("state", no_wrap=True)
    for index, row in enumerate(list(view.signals.values())[:MAX_SIGNALS]):
        style = {"SYMPTOM": "bold red", "recovered": "green"}.get(row.state, "")
        table.add_row(
            signal_label(index) if view.blind else row.name,
            _num(row.baseline, row.unit),
            _num(row.value, row.unit),
            Text(row.state, style),
        )
    return table


def _alerts(view: PanelView) -> Text:
    if not view.alerts:
        return Text("alerts: none firing", style="dim")
    names = ", ".join(f"{n} ({s})" for n, s in view.alerts.items())
    return Text(f"alerts: {names}"[:WIDTH], style="bold red")


def _checklist(view: PanelView) -> Text:
    out = Text()
    for number, item in enumerate(CHECKLIST, start=1):
        mark = "x" if number in view.ticked else " "
        line = Text(f"[{mark}] {number} {item}", style="green" if mark == "x" else "")
        found = view.found.get(number)
        if found:
            line.append(": ")
            line.append_text(Text.from_markup(found))
        line.truncate(WIDTH, overflow="ellipsis")
        out.append_text(line)
        if number < len(CHECKLIST):
            out.append("\n")
    return out


def render(
    view: PanelView, now: datetime, prompt: str | None = None, hint: str | None = None
) -> RenderableType:
    """The whole panel: at most 24 lines of at most 80 columns; ``hint`` (the options while a
    hypothesis's service or kind is picked) takes the place of the responder's older line."""
    parts: list[RenderableType] = [_header(view, now), _signal_table(view), _alerts(view)]
    parts.append(Text("first five minutes", style="bold underline"))
    parts.append(_checklist(view))
    if view.hint:
        parts.append(Text(view.hint[:WIDTH], style="bold magenta", no_wrap=True))
    words = view.last_words[-1:] if hint and prompt is not None else view.last_words[-2:]
    for line in words:
        parts.append(Text(line[:WIDTH], style="cyan", no_wrap=True, overflow="ellipsis"))
    if hint and prompt is not None and not view.ended:
        parts.append(Text(hint, style="dim", no_wrap=True, overflow="ellipsis"))
    if view.ended:
        parts.append(Text(f"drill ended: {view.ended}", style="bold"))
    elif prompt is not None:
        parts.append(Text("> " + f"{prompt}_"[-(WIDTH - 2) :], style="bold yellow"))
    else:
        parts.append(Text(KEYS, style="dim"))
    return Group(*parts)
