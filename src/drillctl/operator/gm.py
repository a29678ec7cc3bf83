"""The game master's view of a run and the commands they type (pure: no terminal, no files).

``briefing(sealed)`` is what the game master sees first: the hidden scenario, its fault plan,
signals and expected cause (from ``blind-scenario.json``). ``GmView.describe(event)`` turns each
journal event into one line, or ``None`` for noise (samples are folded into the signal rows that
``signal_lines`` prints with their baselines). ``parse_command`` reads a typed line:

  hint TEXT | extend 30s | end | verdict correct|incorrect | debrief TEXT | help | quit
(first letters work too: h, e, x, v, d, q). Every action is signed with the game master's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drillctl.core.durations import parse_duration
from drillctl.core.errors import ConfigError
from drillctl.core.events import (
    GM_EVENTS,
    RESPONDER_EVENTS,
    RESPONDER_WORDS,
    Alert,
    Baseline,
    BlindRevealed,
    FaultInjected,
    FaultReverted,
    FaultRevertFailed,
    FaultRevertStarted,
    GmDebrief,
    GmExtend,
    GmHint,
    GmVerdict,
    Guardrail,
    HypothesisVerdict,
    JournalEvent,
    PhaseStarted,
    Recovered,
    ResponderChecklist,
    RunEnded,
    Sample,
    Symptom,
)
from drillctl.operator.gm_channel import GmAction

HELP = "commands: hint TEXT | extend 30s | end | verdict correct|incorrect | debrief TEXT | quit"
ALIASES = {"h": "hint", "e": "extend", "x": "end", "v": "verdict", "d": "debrief", "q": "quit"}
QUIT = "quit"


def briefing(sealed: Mapping[str, Any] | None) -> list[str]:
    if not sealed:
        return ["not a blind drill (no blind-scenario.json): the journal names the scenario"]
    lines = [
        f"hidden scenario: {sealed.get('scenario')} ({sealed.get('severity')}, "
        f"{sealed.get('difficulty') or 'no difficulty'}) seed {sealed.get('seed')}",
        f"  {sealed.get('title')}",
        f"  expected cause: {sealed.get('root_cause')}",
        f"  drawn from: {', '.join(sealed.get('candidates') or [])}",
    ]
    return lines + [f"  | {line}" for line in sealed.get("plan") or []]


@dataclass
class SignalState:
    baseline: float | None = None
    value: float | None = None
    unit: str | None = None
    state: str = "normal"


@dataclass
class GmView:
    """Folds the journal; ``describe`` says what an event means to the game master."""

    signals: dict[str, SignalState] = field(default_factory=dict)
    ended: bool = False

    def describe(self, event: JournalEvent) -> str | None:
        text = self._fold(event)
        return None if text is None else f"{event.ts:%H:%M:%S} {text}"

    def _fold(self, event: JournalEvent) -> str | None:
        if isinstance(event, Baseline | Sample | Symptom | Recovered):
            return self._signal(event)
        if isinstance(event, RunEnded):
            self.ended = True
        if isinstance(event, RESPONDER_EVENTS):
            text = _responder_words(event)
            return f"RESPONDER {event.type.removeprefix('responder.')}" + (
                f": {text}" if text else ""
            )
        if isinstance(event, GM_EVENTS):
            what = _gm_words(event)
            return f"game master {event.by} {event.type.removeprefix('gm.')} {what}".rstrip()
        return _plain(event)

    def _signal(self, event: Baseline | Sample | Symptom | Recovered) -> str | None:
        row = self.signals.setdefault(event.signal, SignalState())
        if isinstance(event, Baseline):
            row.baseline, row.unit = event.centre, event.unit
            return f"baseline {event.signal}: {_num(row.baseline)} {row.unit or ''}".rstrip()
        if isinstance(event, Sample):
            row.value = event.value
            return None
        row.state = "SYMPTOM" if isinstance(event, Symptom) else "recovered"
        value, baseline = _num(event.value), _num(row.baseline)
        return f"{row.state} {event.signal}: {value} (baseline {baseline})"

    def signal_lines(self) -> list[str]:
        return [
            f"  {name}: {_num(s.value)} (baseline {_num(s.baseline)}) {s.state}"
            for name, s in self.signals.items()
        ]


def _responder_words(event: JournalEvent) -> str | None:
    if isinstance(event, RESPONDER_WORDS):
        return event.text or None
    return event.item or None if isinstance(event, ResponderChecklist) else None


def _gm_words(event: JournalEvent) -> object:
    if isinstance(event, GmHint | GmDebrief):
        return event.text
    if isinstance(event, GmVerdict):
        return event.verdict or ""
    return (event.seconds or "") if isinstance(event, GmExtend) else ""


def _plain(event: JournalEvent) -> str | None:
    match event:
        case PhaseStarted():
            return f"phase {event.phase}"
        case FaultInjected():
            return f"fault {event.id} injected"
        case FaultRevertStarted():
            return f"fault {event.id} reverting (by {event.by})"
        case FaultReverted():
            return f"fault {event.id} reverted"
        case FaultRevertFailed():
            return f"fault {event.id} REVERT FAILED: {event.error}"
        case Alert():
            return f"alert {event.name} {event.state}"
        case HypothesisVerdict():
            return f"verdict by {event.by}: matched={event.matched}"
        case Guardrail():
            return f"guardrail {event.name}: {event.reason}"
        case BlindRevealed():
            return f"scenario revealed to the responder: {event.scenario}"
        case RunEnded():
            return f"drill ended: {event.result} (exit {event.exit_code})"
    return None


def _num(value: Any) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "-"
    return f"{value:.4g}"


def parse_command(line: str, by: str | None, now: datetime) -> GmAction | str | None:
    """A typed line: an action to send, ``QUIT``, a message to show (help, mistakes), or None."""
    verb, _, rest = line.strip().partition(" ")
    verb, rest = ALIASES.get(verb.lower(), verb.lower()), rest.strip()
    if not verb:
        return None
    if verb == QUIT:
        return QUIT
    if verb not in ("hint", "extend", "end", "verdict", "debrief"):
        return HELP
    if not by:
        return "sign your actions: start `drillctl gm` with --by NAME"
    try:
        return action(verb, rest, by, now)
    except ConfigError as exc:
        return str(exc)


def action(verb: str, arg: str, by: str, now: datetime) -> GmAction:
    """One signed action from a verb and its argument; ConfigError when the argument is wrong."""
    if not by.strip():
        raise ConfigError("a game master's action is signed: --by NAME")
    base: dict[str, Any] = {"by": by.strip(), "sent_at": now}
    if verb in ("hint", "debrief"):
        if not arg:
            raise ConfigError(f"{verb} needs a text")
        return GmAction(kind="hint" if verb == "hint" else "debrief", text=arg, **base)
    if verb == "extend":
        return GmAction(kind="extend", seconds=_seconds(arg), **base)
    if verb == "verdict":
        if arg not in ("correct", "incorrect"):
            raise ConfigError("verdict correct|incorrect")
        return GmAction(kind="verdict", verdict=arg, **base)  # type: ignore[arg-type]
    if verb == "end":
        return GmAction(kind="end-fault", **base)
    raise ConfigError(f"unknown action {verb!r}; {HELP}")


def _seconds(text: str) -> float:
    try:
        seconds = parse_duration(text or "").total_seconds()
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"extend {text!r}: a duration like 30s or 2m") from exc
    if seconds <= 0:
        raise ConfigError("extend needs a positive duration")
    return seconds
