"""``drillctl gm RUN_ID|latest``: the game master's second terminal on a (blind) drill.

Follows the run's journal as it grows: the hidden scenario first (``blind-scenario.json``), then
one line per event that matters (phases, faults, alerts, symptoms and recoveries with their
baselines, the responder's key presses as they happen, the game master's own actions), the
signals with their baselines every ``--every`` seconds, until the drill ends. Lines typed on its
terminal are commands (``hint TEXT``, ``extend 30s``, ``end``, ``verdict correct|incorrect``,
``debrief TEXT``, ``quit``); the same actions work one-shot as options
(``drillctl gm latest --by lead --hint "look at the queue"``). Every action is signed ``--by NAME``
and goes to the run's ``gm.jsonl``, which the running drill copies into its journal: the game
master never writes the journal. After the end, a verdict is recorded with
``drillctl report RUN --judge correct|incorrect --by NAME``.
"""

from __future__ import annotations

import json
import os
import select
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drillctl.cli._common import guarded
from drillctl.core.errors import DrillError

if TYPE_CHECKING:  # the game master's machinery loads when gm runs, not at start-up
    from drillctl.context import Context
    from drillctl.core.journal import Event
    from drillctl.operator.gm_channel import GmAction

TICK_S = 0.5


def register(app: typer.Typer) -> None:
    app.command("gm")(gm_cmd)


def gm_cmd(
    ctx: typer.Context,
    run: Annotated[str, typer.Argument(help="run id (or a unique prefix), or latest")],
    by: Annotated[
        str | None, typer.Option("--by", help="the game master's name (signs actions)")
    ] = None,
    hint: Annotated[str | None, typer.Option("--hint", help="send a hint to the responder")] = None,
    extend: Annotated[
        str | None, typer.Option("--extend", help="keep the fault longer, e.g. 30s")
    ] = None,
    end_fault: Annotated[bool, typer.Option("--end-fault", help="revert the fault now")] = False,
    verdict: Annotated[
        str | None, typer.Option("--verdict", help="on the hypothesis: correct|incorrect")
    ] = None,
    debrief: Annotated[str | None, typer.Option("--debrief", help="a short debrief note")] = None,
    follow: Annotated[
        bool | None,
        typer.Option("--follow/--no-follow", help="follow the run [default: without actions]"),
    ] = None,
    every: Annotated[float, typer.Option("--every", help="seconds between signal tables")] = 15.0,
) -> None:
    """Follow a drill as its game master: hidden scenario, signals, responder's keys; act on it."""

    def body() -> None:
        from drillctl.operator.gm import action
        from drillctl.report.runs import resolve_run

        context: Context = ctx.obj
        run_dir = resolve_run(context.runs_dir, run)
        wanted = [
            (verb, arg)
            for verb, arg, given in (
                ("hint", hint or "", hint is not None),
                ("extend", extend or "", extend is not None),
                ("end", "", end_fault),
                ("verdict", verdict or "", verdict is not None),
                ("debrief", debrief or "", debrief is not None),
            )
            if given
        ]
        actions = [action(verb, arg, by or "", context.clock.now()) for verb, arg in wanted]
        for one in actions:
            _send(context, run_dir, one)
        if follow or (follow is None and not actions):
            _follow(context, run_dir, by, every)

    guarded(body)


def _send(context: Context, run_dir: Path, one: GmAction) -> None:
    from drillctl.operator.gm_channel import send

    if _ended(run_dir):
        raise DrillError(
            f"run {run_dir.name} has ended: the drill no longer reads the game master's actions",
            hint=f"record a verdict with: drillctl report {run_dir.name} --judge correct --by NAME",
        )
    send(run_dir, one)
    _say(context, f"sent {one.kind} ({one.by}): {one.text or one.verdict or one.seconds or ''}")


def _ended(run_dir: Path) -> bool:
    from drillctl.core.events import RunEnded, first_of
    from drillctl.core.journal import JOURNAL_NAME

    tail = JournalTail(run_dir / JOURNAL_NAME)
    return first_of(tail.read_new(), RunEnded) is not None


def _say(context: Context, line: str) -> None:
    context.console.print(line, markup=False, highlight=False, soft_wrap=True)


class JournalTail:
    """The events appended to a journal since the last call (complete lines only)."""

    def __init__(self, path: Path) -> None:
        from drillctl.core.tail import LineTail

        self.tail = LineTail(path)

    def read_new(self) -> list[Event]:
        from drillctl.core.journal import load_line

        events = []
        for line in self.tail.read_lines():
            try:
                events.append(load_line(json.loads(line)))
            except ValueError:
                continue
        return events


def _follow(context: Context, run_dir: Path, by: str | None, every: float) -> None:
    from drillctl.core.journal import JOURNAL_NAME
    from drillctl.operator.blind import read_sealed
    from drillctl.operator.gm import QUIT, GmView, briefing

    _say(context, f"game master on run {run_dir.name}" + (f" as {by}" if by else ""))
    for line in briefing(read_sealed(run_dir)):
        _say(context, line)
    _say(context, "type: hint TEXT | extend 30s | end | verdict correct|incorrect | debrief TEXT")
    view, tail, typed = GmView(), JournalTail(run_dir / JOURNAL_NAME), _Typed()
    next_table = time.monotonic() + every
    while not view.ended:
        for event in tail.read_new():
            said = view.describe(event)
            if said:
                _say(context, said)
        if time.monotonic() >= next_table and view.signals:
            next_table = time.monotonic() + every
            for line in ["signals (now vs baseline):", *view.signal_lines()]:
                _say(context, line)
        if view.ended or _commands(context, run_dir, by, typed) == QUIT:
            break
    for line in ["signals at the end:", *view.signal_lines()]:
        _say(context, line)
    _say(context, f"report: drillctl report {run_dir.name}")


class _Typed:
    """Lines typed on the game master's terminal (none when stdin is not one)."""

    def __init__(self) -> None:
        self.fd: int | None = sys.stdin.fileno() if sys.stdin and sys.stdin.isatty() else None
        self.buffer = ""

    def lines(self, timeout: float) -> list[str]:
        if self.fd is None:
            time.sleep(timeout)
            return []
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        data = os.read(self.fd, 4096).decode("utf-8", errors="replace")
        if not data:
            self.fd = None
        self.buffer += data.replace("\r", "\n")
        *complete, self.buffer = self.buffer.split("\n")
        return complete


def _commands(context: Context, run_dir: Path, by: str | None, typed: _Typed) -> str | None:
    from drillctl.operator.gm import QUIT, parse_command
    from drillctl.operator.gm_channel import GmAction

    for line in typed.lines(TICK_S):
        parsed = parse_command(line, by, context.clock.now())
        if parsed == QUIT:
            return QUIT
        if isinstance(parsed, GmAction):
            try:
                _send(context, run_dir, parsed)
            except DrillError as exc:
                _say(context, f"not sent: {exc}")
        elif parsed:
            _say(context, str(parsed))
    return None
