"""An option the user did not give is coerced without pydantic.

typer (0.29) coerces every parameter's value through a pydantic ``TypeAdapter`` that it builds on
first use, the value ``None`` (an option not given) included, although it turns ``None`` into
``None`` (``()`` for a multi-value option) before the adapter is consulted. The root's eight
options then cost every command eight adapters, and a completion Tab the import of pydantic. Here
a parameter's adapter is built when the parameter gets a value. Installed by ``drillctl.cli.app``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typer import core


class _UntilAValue:
    """A parameter's coercion before it is built: ``None`` answered as typer answers it."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # as typer's RuntimeParam.coerce, without building the adapter first
            return () if param.multiple or param.nargs == -1 else None
        return self._build().coerce(value, param=param, ctx=ctx)


def install() -> None:
    """Patch typer's parameter class (idempotent; a typer without the method is left alone)."""
    parameter = getattr(core, "_TyperParameter", None)
    built = getattr(parameter, "get_runtime_param", None)
    if built is None or getattr(built, "_drillctl_lazy", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            return _UntilAValue(lambda: built(self))
        return self._runtime_param

    get_runtime_param._drillctl_lazy = True  # type: ignore[attr-defined]
    setattr(parameter, "get_runtime_param", get_runtime_param)  # noqa: B010 - a method
