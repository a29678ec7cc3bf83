"""The contract every fault type implements, built-in or from a plugin package.

A fault type is one module with a parameters model (``FaultParams`` subclass with a ``type``
literal) and a class implementing ``FaultPlugin``. The engine calls, in order:

1. ``check(env)``   against the live project before anything is injected (unknown service → error).
2. ``undo()``       JSON-safe, secret-free data enough for a *later process* to revert; the engine
                    journals it in ``fault.inject-started`` BEFORE calling ``inject``.
3. ``inject(env)``  performs the fault; returns result data journalled in ``fault.injected``.
4. ``revert(env, undo, result)`` (a classmethod) puts it back. Idempotent: reverting twice, or
                    reverting a fault whose injection failed half-way, is safe. ``recover`` calls it
                    with the journalled ``undo`` and ``result`` (``result`` may be empty).

``plan()`` describes all of this for ``--dry-run`` without touching anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from drillctl.core.clock import Clock
from drillctl.core.redact import Redactor

if TYPE_CHECKING:
    from drillctl.target.base import TargetDriver


class FaultParams(BaseModel):
    """Base of every fault's parameters; subclasses add ``type: Literal[...]`` and their fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None  # optional id, shown in the timeline; defaults to the type

    def hold_for(self) -> timedelta | None:
        """How long the engine keeps the fault in place before reverting (None: revert at once)."""
        return getattr(self, "duration", None)


@dataclass(frozen=True)
class FaultPlan:
    """What a fault will do, in words, for ``--dry-run`` and the journal."""

    action: str  # "stop service ebit-api"
    targets: list[str]  # services or endpoints touched
    duration: timedelta | None
    revert: str  # "start service ebit-api": the words recover, the runbook and the journal use
    # the `docker compose` arguments that do the revert by hand in a local lab, for a runbook's
    # Fix section (("start", "ebit-api")); empty when no single command does it
    by_hand: tuple[str, ...] = ()


@dataclass
class FaultEnv:
    """What a fault may use: the target driver, the run directory, the clock and the redactor."""

    target: TargetDriver
    run_dir: Path
    clock: Clock
    redactor: Redactor


class FaultPlugin(Protocol):
    type_name: ClassVar[str]
    params_model: ClassVar[type[FaultParams]]

    def __init__(self, params: Any) -> None: ...

    def plan(self) -> FaultPlan: ...

    async def check(self, env: FaultEnv) -> None: ...

    def undo(self) -> dict[str, Any]: ...

    async def inject(self, env: FaultEnv) -> dict[str, Any]: ...

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]: ...
