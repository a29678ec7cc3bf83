"""A scenario's faults as the engine's ``FaultsPort``: one async context per fault, one stack.

The engine enters ``faults.injected(index)`` for each fault on its ``AsyncExitStack``: entering
injects the fault (its undo journalled first, by the ``FaultStack``) and gives back when it took
effect, the start of its own hold; leaving reverts it if it is still in place (``by: signal`` when
the drill's task was cancelled, else ``by: engine``), so the faults unwind newest first on every
way out. ``revert(index, by)`` and ``revert_all(by)`` are how the engine reverts one fault at the
end of its hold, or the rest for the responder, a guardrail or the game master. All of them go
through the stack's one revert path.

``async with ScenarioFaults(...)`` around the engine is the last safety net: whatever is still on
the stack when the block is left is reverted too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from drillctl.core.errors import DrillError, TargetError
from drillctl.core.journal import Journal
from drillctl.engine.rollback import FaultStack, describe, injected_fields
from drillctl.faults.base import FaultEnv, FaultPlugin


class ScenarioFaults:
    """The engine's ``FaultsPort`` over a ``FaultStack``: a scenario's faults, in order."""

    def __init__(
        self, env: FaultEnv, journal: Journal, plugins: Sequence[FaultPlugin], **kw: Any
    ) -> None:
        self.plugins = list(plugins)
        self.stack = FaultStack(env, journal, **kw)

    async def __aenter__(self) -> ScenarioFaults:
        await self.stack.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> bool:
        return await self.stack.__aexit__(*exc)

    async def check(self) -> list[str]:
        problems: list[str] = []
        for index, plugin in enumerate(self.plugins):
            try:
                await plugin.check(self.stack.env)
            except DrillError as exc:
                problems.append(f"fault {index} ({plugin.type_name}): {exc.message}")
        return problems

    def holds(self) -> list[timedelta]:
        """How long each fault stays, in order (no duration: reverted at once)."""
        return [_hold(plugin) for plugin in self.plugins]

    @contextlib.asynccontextmanager
    async def injected(self, index: int) -> AsyncIterator[datetime]:
        """Fault ``index`` injected for the block; yields when it took effect."""
        try:
            yield await self._inject(index)
        except asyncio.CancelledError:
            await self.stack.revert(index, by="signal")
            raise
        finally:  # a no-op when the engine reverted it already
            await self.stack.revert(index, by="engine")

    async def _inject(self, index: int) -> datetime:
        plugin = self.plugins[index]
        try:
            result = await self.stack.inject(plugin, index)
        except DrillError:
            raise
        except Exception as exc:  # a plugin's own bug: a drillctl error, cause kept
            raise TargetError(f"fault {index} ({plugin.type_name}): {describe(exc)}") from exc
        effective = injected_fields(result, self.stack.env.clock.now())["effective_at"]
        return datetime.fromisoformat(effective)

    async def revert(self, index: int, by: str) -> bool:
        """Revert one fault now; False when its revert failed."""
        return await self.stack.revert(index, by=by)

    async def revert_all(self, by: str) -> bool:
        """Revert every fault still in place, newest first; False when any revert failed, now
        or earlier in the drill."""
        await self.stack.revert_all(by=by)
        return not self.stack.failures

    def failed(self) -> bool:
        return bool(self.stack.failures)


def _hold(plugin: FaultPlugin) -> timedelta:
    params = getattr(plugin, "params", None)
    hold = params.hold_for() if params is not None else None
    return hold or timedelta(0)
