"""The responder's keys: raw-mode reading on a terminal, turned into journal events and commands.

Keys (every one journalled with its time):
  a  acknowledge (also 1)            p  "if this were P0/P1 I would page now" (also 6)
  h  hypothesis: free text           d  decision: free text         n  note: free text
  2-5 tick a checklist item          r  revert now                  q  abort the drill
Free text is typed into the panel's prompt line: Enter sends it, Esc cancels, Backspace erases.

``KeyHandler`` is pure (a key in, actions out) so it is tested without a terminal; ``TerminalKeys``
puts a tty in cbreak mode (Ctrl-C still interrupts: the rollback's signal handlers revert) and
yields keys through the event loop; a pty driven by pexpect works the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import termios
import tty
from collections.abc import AsyncIterator
from typing import Any

from drillctl.core.events import (
    ResponderAbort,
    ResponderAck,
    ResponderChecklist,
    ResponderDecision,
    ResponderHypothesis,
    ResponderNote,
    ResponderPage,
    ResponderRevert,
)
from drillctl.engine.ports import Action  # the engine's input port; the keys only produce them
from drillctl.operator.panel import CHECKLIST

PROMPTS = {"h": "hypothesis", "d": "decision", "n": "note"}
TYPED: dict[str, type[ResponderHypothesis | ResponderDecision | ResponderNote]] = {
    "hypothesis": ResponderHypothesis,
    "decision": ResponderDecision,
    "note": ResponderNote,
}
ENTER, ESC, BACKSPACES, KILL_LINE = ("\r", "\n"), "\x1b", ("\x7f", "\x08"), "\x15"


class KeyHandler:
    def __init__(self) -> None:
        self.prompt_kind: str | None = None
        self.buffer = ""

    @property
    def prompt(self) -> str | None:
        """What the panel's prompt line shows while free text is being typed."""
        return None if self.prompt_kind is None else f"{self.prompt_kind}: {self.buffer}"

    def feed(self, text: str) -> list[Action]:
        actions: list[Action] = []
        for char in text:
            action = self._typing(char) if self.prompt_kind else self._key(char)
            if action is not None:
                actions.append(action)
        return actions

    def _key(self, char: str) -> Action | None:
        if char in PROMPTS:
            self.prompt_kind, self.buffer = PROMPTS[char], ""
            return None
        if char in ("a", "1"):
            return Action(ResponderAck())
        if char in ("p", "6"):
            return Action(ResponderPage())
        if char in "2345":
            return Action(ResponderChecklist(item=CHECKLIST[int(char) - 1]))
        if char == "r":
            return Action(ResponderRevert(), command="revert")
        if char == "q":
            return Action(ResponderAbort(), command="abort")
        return None

    def _typing(self, char: str) -> Action | None:
        if char in ENTER:
            kind, text = self.prompt_kind, self.buffer.strip()
            self.prompt_kind, self.buffer = None, ""
            return Action(TYPED[kind](text=text)) if kind and text else None
        if char == ESC:
            self.prompt_kind, self.buffer = None, ""
        elif char in BACKSPACES:
            self.buffer = self.buffer[:-1]
        elif char == KILL_LINE:
            self.buffer = ""
        elif char.isprintable():
            self.buffer += char
        return None


class TerminalKeys:
    """Cbreak mode on a terminal for the duration of the ``with``; ``keys()`` yields typed text."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._saved: list[Any] | None = None
        self._queue: asyncio.Queue[str] = asyncio.Queue()

    def __enter__(self) -> TerminalKeys:
        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        asyncio.get_running_loop().add_reader(self.fd, self._readable)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(self.fd)
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _readable(self) -> None:
        try:
            data = os.read(self.fd, 1024)
        except OSError:
            data = b""
        if not data:  # the terminal went away: stop reading, keep the drill going unattended
            asyncio.get_running_loop().remove_reader(self.fd)
            return
        self._queue.put_nowait(data.decode("utf-8", errors="ignore"))

    async def keys(self) -> AsyncIterator[str]:
        while True:
            yield await self._queue.get()
