"""What cpu-limit and memory-limit share: the limits read at preflight, written, read back.

The engine holds a container's limits (docker inspect ``HostConfig``); the fault records them
before it changes anything, so the revert writes back exactly those values (where the engine can
take them: see each fault), and the effect journalled is the limits read back from the engine.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drillctl.faults._aio import blocking
from drillctl.faults._netns import effect
from drillctl.faults._service import require_service
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class LimitFault:
    type_name: ClassVar[str]
    params_model: ClassVar[type[FaultParams]]

    def __init__(self, params: Any) -> None:
        self.params = params
        self._before: dict[str, int] = {}

    def plan(self) -> FaultPlan:
        raise NotImplementedError

    def wanted(self) -> dict[str, int]:
        """The engine update body that sets the fault's limit, given ``self._before``."""
        raise NotImplementedError

    def in_force(self, limits: dict[str, int]) -> tuple[bool, str]:
        """Whether ``limits`` (read back) hold the asked value, and in words."""
        raise NotImplementedError

    async def check(self, env: FaultEnv) -> None:
        await require_service(env, self.params.service)
        self._before = await blocking(env.target.limits, self.params.service)
        self.wanted()  # a value the engine cannot take is refused now, before anything changes

    def undo(self) -> dict[str, Any]:
        return {"service": self.params.service, "before": dict(self._before)}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        service = self.params.service
        await blocking(env.target.update_limits, service, self.wanted())
        after = await blocking(env.target.limits, service)
        ok, words = self.in_force(after)
        return {"limits": after, "effect": effect(ok, words)}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def manual_revert(cls, env: FaultEnv, undo: dict[str, Any]) -> str:
        return (
            f"put {undo['service']}'s limits back ({undo['before']}): `docker update` its "
            "container, or recreate it from the project's definition"
        )
