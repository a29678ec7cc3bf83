"""The engine's inbox: commands from the responder's keys and the game master (``revert``,
``abort``, ``end-fault``), and a sleep on the run's clock that a command cuts short."""

from __future__ import annotations

import asyncio
import contextlib

from drillctl.core.clock import Clock


class Inbox(asyncio.Queue[str]):
    def take(self) -> str | None:
        """The oldest command waiting, if any."""
        try:
            return self.get_nowait()
        except asyncio.QueueEmpty:
            return None

    async def wait(self, clock: Clock, seconds: float) -> None:
        """Sleep on the run's clock, but wake up at once for a command (left in the inbox)."""
        if seconds <= 0:
            return
        sleeper = asyncio.ensure_future(clock.sleep(seconds))
        getter = asyncio.ensure_future(self.get())
        done, _ = await asyncio.wait({sleeper, getter}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, getter):
            if task not in done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if getter in done:
            self.put_nowait(getter.result())
