"""An option the user did not give is coerced without pydantic.

typer (0.29) coerces every parameter's value through a pydantic ``TypeAdapter`` that it builds on
first use, the value ``None`` (an option not given) included, although it turns ``None`` into
``None`` (``()`` for a multi-value option) before the adapter is consulted. The root's eight
options then cost every command eight adapters, and a completion Tab the import of pydantic. Here
a parameter's adapter is built when the parameter gets a value that is not already what its
annotation says: a default such as ``Format.text`` is passed through and ``json`` becomes
``Format.json`` as the adapter would do it, so ``drillctl list`` starts without pydantic (about
45 ms). Installed by ``drillctl.cli.app``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from typer import core


class _UntilAValue:
    """A parameter's coercion before it is built: ``None`` answered as typer answers it, and a
    value already of the annotated class (a default) as its pydantic adapter answers it."""

    def __init__(self, annotation: Any, build: Callable[[], Any]) -> None:
        self._annotation = annotation
        self._build = build

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # as typer's RuntimeParam.coerce, without building the adapter first
            return () if param.multiple or param.nargs == -1 else None
        if type(value) is self._annotation:  # exactly: True is an int, but not as a default
            return value
        if _is_enum(self._annotation) and value in self._annotation._value2member_map_:
            return self._annotation(value)  # `--format json`; a wrong value gets typer's message
        return self._build().coerce(value, param=param, ctx=ctx)


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def install() -> None:
    """Patch typer's parameter class (idempotent; a typer without the method is left alone)."""
    parameter = getattr(core, "_TyperParameter", None)
    built = getattr(parameter, "get_runtime_param", None)
    if built is None or getattr(built, "_drillctl_lazy", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            return _UntilAValue(self.type_descriptor.annotation, lambda: built(self))
        return self._runtime_param

    get_runtime_param._drillctl_lazy = True  # type: ignore[attr-defined]
    setattr(parameter, "get_runtime_param", get_runtime_param)  # noqa: B010 - a method
