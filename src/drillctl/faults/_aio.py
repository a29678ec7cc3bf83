"""Blocking target calls from async code, without leaving a half-done Docker call behind.

``asyncio.to_thread`` alone, when cancelled (Ctrl-C cancels the drill's task), lets the await
return at once while the thread goes on: a ``docker compose stop`` could then finish *after* the
revert's ``start``. ``blocking`` waits for the call to finish before it passes the cancellation on.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# asyncio is imported where a fault runs: `validate` imports the fault modules its file names
# (for their parameter models) and never runs one.


async def blocking(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    import asyncio

    future = asyncio.ensure_future(asyncio.to_thread(func, *args, **kwargs))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        while not future.done():
            try:
                await asyncio.wait({future})
            except asyncio.CancelledError:
                continue
        raise


async def uncancellable(coro: Coroutine[Any, Any, T]) -> T:
    """Run coro to its end even if the caller is cancelled meanwhile: a revert is never cut."""
    import asyncio

    task = asyncio.ensure_future(coro)
    while True:
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                return task.result()
