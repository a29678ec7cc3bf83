"""env-override: recreate a service with changed environment through a generated override file.

The user's compose files are never edited: the override lives in the run directory (0600: its
values may be secrets), and the revert recreates the service from the project's own definition
without it, then deletes the file. The undo is a reference (service + file name), so the journal
holds no value, and a later ``drillctl recover`` can revert from the journal alone.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar, Literal

from pydantic import Field

from drillctl.core.durations import Duration
from drillctl.faults._aio import blocking
from drillctl.faults._effective import ContainerWatch, effects, starting_words
from drillctl.faults._service import require_service, state_dict, wait_running
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan


class EnvOverrideParams(FaultParams):
    type: Literal["env-override"]
    service: str
    environment: dict[str, str] = Field(min_length=1)
    duration: Duration | None = None


class EnvOverride:
    type_name: ClassVar[str] = "env-override"
    params_model: ClassVar[type[FaultParams]] = EnvOverrideParams

    def __init__(self, params: EnvOverrideParams) -> None:
        self.params = params
        self._file = f"overrides/env-override-{params.service}-{secrets.token_hex(4)}.yaml"

    def plan(self) -> FaultPlan:
        p = self.params
        names = ", ".join(sorted(p.environment))
        return FaultPlan(
            action=f"recreate service {p.service} with {names} overridden",
            targets=[p.service],
            duration=p.duration,
            revert=f"recreate service {p.service} from the project's own definition",
            by_hand=("up", "-d", "--force-recreate", p.service),
        )

    async def check(self, env: FaultEnv) -> None:
        await require_service(env, self.params.service)

    def undo(self) -> dict[str, Any]:
        return {
            "service": self.params.service,
            "override_file": self._file,
            "variables": sorted(self.params.environment),
        }

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        p = self.params
        path = env.run_dir / self._file
        async with ContainerWatch(env, p.service) as watch:
            began = env.clock.now()
            await blocking(env.target.recreate_with_env, p.service, p.environment, path)
        returned, started = env.clock.now(), await watch.wait_for("start")
        took = starting_words(p.service, began, started)
        state = state_dict(await blocking(env.target.state, p.service))
        return {**state, **effects(returned, started, took)}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        service = undo["service"]
        await blocking(env.target.restore_env, service, env.run_dir / undo["override_file"])
        (env.run_dir / undo["override_file"]).unlink(missing_ok=True)
        return state_dict(await wait_running(env, service))

    @classmethod
    def manual_revert(cls, env: FaultEnv, undo: dict[str, Any]) -> str:
        command = env.target.command_line(
            "up", "-d", "--force-recreate", "--no-deps", undo["service"]
        )
        return f"recreate {undo['service']} without the override: {command}"
