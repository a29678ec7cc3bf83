"""Interactive mode: the live panel refreshed from the journal, and the responder's keys.

The engine runs as usual; beside it one task reads keys from the terminal (cbreak mode) and hands
each action to ``engine.responder_action``, and one task redraws the panel from the journal's
events a few times a second. When the engine ends, both stop and the terminal is restored.
"""

from __future__ import annotations

import asyncio
import contextlib

from rich.console import Console
from rich.live import Live

from drillctl.engine.engine import Engine, Outcome
from drillctl.operator.panel import PanelView, render
from drillctl.operator.responder import KeyHandler, TerminalKeys

REFRESH_S = 0.25


async def run_interactive(engine: Engine, console: Console, fd: int) -> Outcome:
    handler = KeyHandler(target_services(engine.options.target))
    with (
        TerminalKeys(fd) as terminal,
        Live(console=console, auto_refresh=False, transient=False) as live,
    ):
        drill = asyncio.ensure_future(engine.run())
        keys = asyncio.ensure_future(_read_keys(engine, handler, terminal))
        panel = asyncio.ensure_future(_redraw(engine, handler, live))
        try:
            outcome = await drill
        finally:
            for task in (keys, panel):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            _draw(engine, handler, live)
    return outcome


async def _read_keys(engine: Engine, handler: KeyHandler, terminal: TerminalKeys) -> None:
    async for text in terminal.keys():
        for action in handler.feed(text):
            engine.responder_action(action)


async def _redraw(engine: Engine, handler: KeyHandler, live: Live) -> None:
    while True:
        _draw(engine, handler, live)
        await asyncio.sleep(REFRESH_S)


def _draw(engine: Engine, handler: KeyHandler, live: Live) -> None:
    view = PanelView.fold(engine.journal.events)
    live.update(render(view, engine.clock.now(), handler.prompt, handler.hint), refresh=True)


def target_services(target: dict[str, object]) -> list[str]:
    """The services the responder picks from: the target's inventory at the start of the run."""
    listed = target.get("services")
    items = listed if isinstance(listed, list) else []
    return [str(s["service"]) for s in items if isinstance(s, dict) and s.get("service")]
