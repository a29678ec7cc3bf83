"""The responder's keys: raw-mode reading on a terminal, turned into journal events and commands.

Keys (every one journalled with its time):
  a  acknowledge (also 1)            p  "if this were P0/P1 I would page now" (also 6)
  h  hypothesis: service, kind, text d  decision: free text         n  note: free text
  2-5 tick a checklist item          r  revert now                  q  abort the drill
Free text is typed into the panel's prompt line: Enter sends it, Esc cancels, Backspace erases.
A hypothesis is stated as drillctl states its own: first the service (Tab completes from the
target's services), then the kind of change (Tab completes from ``ChangeKind``), then the
sentence; an empty Enter leaves a field not stated.

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
from collections.abc import AsyncIterator, Sequence
from typing import Any

from drillctl.core.events import (
    ChangeKind,
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
from drillctl.operator.completion import Choice, NotAChoice, hypothesis_choices
from drillctl.operator.panel import CHECKLIST

PROMPTS = {"h": "hypothesis", "d": "decision", "n": "note"}
TYPED: dict[str, type[ResponderHypothesis | ResponderDecision | ResponderNote]] = {
    "hypothesis": ResponderHypothesis,
    "decision": ResponderDecision,
    "note": ResponderNote,
}
ENTER, ESC, BACKSPACES, KILL_LINE, TAB = ("\r", "\n"), "\x1b", ("\x7f", "\x08"), "\x15", "\t"


class KeyHandler:
    def __init__(self, services: Sequence[str] = ()) -> None:
        self.prompt_kind: str | None = None
        self.buffer = ""
        self.choices = {c.label: c for c in hypothesis_choices(services)}
        self.stated: dict[str, str | None] = {}  # the hypothesis's fields picked so far
        self.problem: str | None = None  # why the last Enter picked nothing

    @property
    def prompt(self) -> str | None:
        """What the panel's prompt line shows while free text is being typed."""
        return None if self.prompt_kind is None else f"{self.prompt_kind}: {self.buffer}"

    @property
    def hint(self) -> str | None:
        """The line under the panel while a hypothesis is stated: the options, or the fields."""
        choice = self.choices.get(self.prompt_kind or "")
        if choice is not None:
            return self.problem or choice.hint(self.buffer)
        if self.prompt_kind == "hypothesis":
            fields = (self.stated.get(k) or "not stated" for k in ("service", "kind"))
            return "service {}, kind {}: now the sentence, Enter sends".format(*fields)
        return None

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
            if char == "h":
                self.prompt_kind, self.stated = "service", {}
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
        choice = self.choices.get(self.prompt_kind or "")
        if char in ENTER:
            if choice is None:
                return self._sent()
            self._picked(choice)
            return None
        self.problem = None
        if char == ESC:
            self.prompt_kind, self.buffer = None, ""
        elif char == TAB and choice is not None:
            self.buffer = choice.complete(self.buffer)
        elif char in BACKSPACES:
            self.buffer = self.buffer[:-1]
        elif char == KILL_LINE:
            self.buffer = ""
        elif char.isprintable():
            self.buffer += char
        return None

    def _picked(self, choice: Choice) -> None:
        """Enter on the service or the kind: keep it and go on to the next field, or say why not."""
        try:
            self.stated[choice.label] = choice.pick(self.buffer)
        except NotAChoice as exc:
            self.problem = str(exc)
            return
        self.prompt_kind = "kind" if choice.label == "service" else "hypothesis"
        self.buffer = ""

    def _sent(self) -> Action | None:
        kind, text = self.prompt_kind, self.buffer.strip()
        self.prompt_kind, self.buffer = None, ""
        if not kind or not text:
            return None
        if kind == "hypothesis":
            service, change = self.stated.get("service"), self.stated.get("kind")
            return Action(
                ResponderHypothesis(
                    text=text, service=service, kind=ChangeKind(change) if change else None
                )
            )
        return Action(TYPED[kind](text=text))


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
