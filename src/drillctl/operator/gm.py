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
from drillctl.core.journal import Event
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

    def describe(self, event: Event) -> str | None:
        text = self._fold(event)
        return None if text is None else f"{event.ts:%H:%M:%S} {text}"

    def _fold(self, event: Event) -> str | None:
        d, kind = event.data, event.type
        if kind in ("baseline", "sample", "symptom", "recovered"):
            return self._signal(kind, d)
        if kind == "run.ended":
            self.ended = True
        if kind.startswith("responder."):
            text = d.get("text") or d.get("item")
            return f"RESPONDER {kind.removeprefix('responder.')}" + (f": {text}" if text else "")
        if kind.startswith("gm."):
            what = d.get("text") or d.get("verdict") or d.get("seconds") or ""
            return f"game master {d.get('by')} {kind.removeprefix('gm.')} {what}".rstrip()
        return _plain(kind, d)

    def _signal(self, kind: str, d: Mapping[str, Any]) -> str | None:
        row = self.signals.setdefault(str(d.get("signal")), SignalState())
        if kind == "baseline":
            row.baseline, row.unit = d.get("centre"), d.get("unit")
            return f"baseline {d.get('signal')}: {_num(row.baseline)} {row.unit or ''}".rstrip()
        if kind == "sample":
            row.value = d.get("value")
            return None
        row.state = "SYMPTOM" if kind == "symptom" else "recovered"
        value, baseline = _num(d.get("value")), _num(row.baseline)
        return f"{row.state} {d.get('signal')}: {value} (baseline {baseline})"

    def signal_lines(self) -> list[str]:
        return [
            f"  {name}: {_num(s.value)} (baseline {_num(s.baseline)}) {s.state}"
            for name, s in self.signals.items()
        ]


def _plain(kind: str, d: Mapping[str, Any]) -> str | None:
    words = {
        "phase": lambda: f"phase {d.get('phase')}",
        "fault.injected": lambda: f"fault {d.get('id')} injected",
        "fault.revert-started": lambda: f"fault {d.get('id')} reverting (by {d.get('by')})",
        "fault.reverted": lambda: f"fault {d.get('id')} reverted",
        "fault.revert-failed": lambda: f"fault {d.get('id')} REVERT FAILED: {d.get('error')}",
        "alert": lambda: f"alert {d.get('name')} {d.get('state')}",
        "hypothesis.verdict": lambda: f"verdict by {d.get('by')}: matched={d.get('matched')}",
        "guardrail": lambda: f"guardrail {d.get('name')}: {d.get('reason')}",
        "blind.revealed": lambda: f"scenario revealed to the responder: {d.get('scenario')}",
        "run.ended": lambda: f"drill ended: {d.get('result')} (exit {d.get('exit_code')})",
    }
    say = words.get(kind)
    return say() if say else None


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
