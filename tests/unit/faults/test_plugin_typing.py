"""The registry is typed ``type[FaultPlugin]``: mypy refuses a fault class that breaks the Protocol.

mypy runs on a two-class snippet (a good plugin and one whose ``revert`` is an instance method
without ``result``) that lists both the way ``faults/registry.py`` lists the built-ins.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

SNIPPET = """
from typing import Any, ClassVar, Literal

from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan, FaultPlugin


class DemoParams(FaultParams):
    type: Literal["demo"]


class Good:
    type_name: ClassVar[str] = "demo"
    params_model: ClassVar[type[FaultParams]] = DemoParams

    def __init__(self, params: Any) -> None:
        self.params = params

    def plan(self) -> FaultPlan:
        return FaultPlan("demo", [], None, "nothing")

    async def check(self, env: FaultEnv) -> None:
        return None

    def undo(self) -> dict[str, Any]:
        return {}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        return {}

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        return {}


class Bad(Good):
    async def revert(  # type: ignore[override]
        self, env: FaultEnv, undo: dict[str, Any]
    ) -> dict[str, Any]:
        return {}


GOOD: tuple[type[FaultPlugin], ...] = (Good,)
BAD: tuple[type[FaultPlugin], ...] = (Bad,)
"""


def test_mypy_refuses_a_registered_class_that_does_not_satisfy_fault_plugin(tmp_path: Path) -> None:
    snippet = tmp_path / "plugins.py"
    snippet.write_text(SNIPPET)
    cache = tmp_path / "cache"
    out, err, status = api.run([str(snippet), "--cache-dir", str(cache), "--no-error-summary"])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1, out + err
    assert len(errors) == 1, out
    line = SNIPPET.splitlines().index("BAD: tuple[type[FaultPlugin], ...] = (Bad,)") + 1
    assert errors[0].startswith(f"{snippet}:{line}:") and '"tuple[type[Bad]]"' in errors[0]
