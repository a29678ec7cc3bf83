"""The base of the helper-based faults: a spec built at preflight, one holding helper, its undo.

A subclass sets ``type_name`` and ``params_model`` and writes ``plan``, ``spec`` (the rules, built
from what ``prepare`` found live) and ``measure``; the helper's start, the journalled undo, the
stop and the sweep are here, so each fault module is its rules and its measurement.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drillctl.faults import _netns
from drillctl.faults._service import require_service
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class HelperFault:
    type_name: ClassVar[str]
    params_model: ClassVar[type[FaultParams]]
    needs_pid: ClassVar[bool] = False  # join the process namespace too (to reach its files)

    def __init__(self, params: Any) -> None:
        self.params = params
        self.token = _netns.new_token()
        self._spec: _netns.HelperSpec | None = None
        self._env: FaultEnv | None = None
        self.mechanism = "decided at preflight"

    def plan(self) -> FaultPlan:
        raise NotImplementedError

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        """Live checks (peers, kernel), and the helper's spec; ``PreflightError`` if impossible."""
        raise NotImplementedError

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        """The effect right after the injection (``_netns.effect``); some add theirs at revert."""
        raise NotImplementedError

    async def check(self, env: FaultEnv) -> None:
        await require_service(env, self.params.service)
        self._spec = await self.prepare(env)

    def undo(self) -> dict[str, Any]:
        spec = self._spec or _netns.HelperSpec(tag="", hold_s=0)
        env_less = {"service": self.params.service, "token": self.token, "tag": spec.tag}
        return {**env_less, "files": [{"path": f["path"]} for f in spec.files]}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        if self._spec is None:
            self._spec = await self.prepare(env)
        ready = await _netns.start(
            env, self.params.service, self.token, self._spec, pid=self.needs_pid
        )
        result = {"mechanism": self.mechanism, "helper": _ready_summary(ready)}
        return {**result, "effect": await self.measure(env, ready)}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        outcome = await _netns.stop(env, undo)
        reverted: dict[str, Any] = {"undone_by": outcome.get("by"), "left": outcome.get("left")}
        effect = cls.effect_at_revert(outcome.get("counters") or {}, result)
        return {**reverted, "effect": effect} if effect else reverted

    @classmethod
    def effect_at_revert(
        cls, counters: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The effect the helper's counters show over the whole fault (None: measured at inject)."""
        return None

    @classmethod
    def manual_revert(cls, env: FaultEnv, undo: dict[str, Any]) -> str:
        return (
            f"remove the helper containers labelled io.drillctl.fault={undo['token']} "
            f"(`docker rm -f $(docker ps -aq -f label=io.drillctl.fault={undo['token']})`); "
            f"restart {undo['service']} to drop any rule commented {undo['tag']}"
        )


def _ready_summary(ready: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ready.items() if k != "event"}
