"""SIGINT and SIGTERM for the command that owns the process (``run``, and each drill of a suite).

Handled explicitly while a drill runs: a process started in the background by a non-interactive
shell inherits an *ignored* SIGINT, so the default handler cannot be relied upon. The first
signal cancels the drill's task: the engine's stack unwinds and every fault still in place is
reverted, journalled ``by: signal``. Further signals do not skip a revert: they say reverting is
in progress, and the stack retries a revert they cut (a Ctrl-C from a terminal goes to the whole
process group, so it also kills the ``docker compose`` the revert runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from drillctl.core.errors import AbortedError
from drillctl.engine.rollback import Interrupts, say_stderr

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SignalHandler = Callable[[int, FrameType | None], Any] | int | None


@contextlib.contextmanager
def reverting_on_signals(
    interrupts: Interrupts,
    in_place: Callable[[], int],
    *,
    say: Callable[[str], None] = say_stderr,
) -> Iterator[Interrupts]:
    """While the block runs, a signal cancels the current task (``in_place``: how many faults
    are injected, for the message). Only the main thread receives signals."""
    task = asyncio.current_task()
    if task is None or threading.current_thread() is not threading.main_thread():
        yield interrupts
        return
    loop = asyncio.get_running_loop()
    previous = {sig: signal.getsignal(sig) for sig in HANDLED_SIGNALS}
    for sig in HANDLED_SIGNALS:
        loop.add_signal_handler(sig, _on_signal, sig, interrupts, task, in_place, say)
    try:
        yield interrupts
    finally:
        _restore(loop, previous)


def _on_signal(
    sig: signal.Signals,
    interrupts: Interrupts,
    task: asyncio.Task[Any],
    in_place: Callable[[], int],
    say: Callable[[str], None],
) -> None:
    name = signal.Signals(sig).name
    interrupts.count += 1
    if interrupts.name or interrupts.reverting:
        say(f"drillctl: {name}: reverting is in progress, please wait (it is not skipped)")
        return
    interrupts.name = name
    say(f"drillctl: {name} received: reverting {in_place()} fault(s) before exiting...")
    task.cancel()


def _restore(
    loop: asyncio.AbstractEventLoop, previous: dict[signal.Signals, SignalHandler]
) -> None:
    for sig, handler in previous.items():
        loop.remove_signal_handler(sig)
        with contextlib.suppress(TypeError, ValueError):
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def aborted_when_interrupted(interrupts: Interrupts) -> Iterator[None]:
    """For a command whose task a signal cancelled (around the block that reverts the faults):
    the command ends ``aborted`` (``AbortedError``, exit 3), not cancelled."""
    try:
        yield
    except asyncio.CancelledError:
        if interrupts.name is None:
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        raise AbortedError(f"interrupted by {interrupts.name}; every fault was reverted") from None
