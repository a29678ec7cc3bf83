"""How ``--help`` shows options, and what rendering it costs.

Flags: typer (0.2x) prints every option's type in the help panel, flags included (``--dry-run
<bool>``), which reads as if the flag took a value. Flags show nothing there; every other option
keeps its type or metavar.

Cost: typer's help renderer (``typer.rich_utils``) imports ``rich.markdown`` (markdown_it, pygments)
and ``rich.traceback`` (attrs) at its top, about half of a ``--help``'s start-up, though drillctl's
help is rich markup, never Markdown, and its tracebacks are not typer's. ``install`` has the
renderer, whenever it is first imported, see those two names as classes that import the real one
when first called.

Installed once, by ``drillctl.cli.app``, before any help is rendered.
"""

from __future__ import annotations

import importlib
import sys
import types
from importlib.machinery import ModuleSpec, PathFinder
from typing import TYPE_CHECKING, Any, cast

from typer import core

if TYPE_CHECKING:
    from importlib.abc import Loader  # importing it costs a --help 5 ms: a loader is duck-typed

# module -> the class typer.rich_utils takes from it; each is used only on a path drillctl avoids
# (markup mode "markdown", typer's pretty exceptions), so the import waits for that path.
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def install() -> None:
    """Have typer's help renderer imported without its unused imports, and patch its option type
    display (idempotent; a typer without the display method is left as it is)."""
    _import_renderer_lightly()
    _flags_without_type()


class _RendererFinder:
    """Finds ``typer.rich_utils`` as Python would, and imports it with ``DEFERRED``'s modules
    standing in: only that import sees them, every other importer gets the real modules. A
    finder, not an import here, so that the renderer itself is still imported only for a help
    or an error message."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> ModuleSpec | None:
        if fullname != "typer.rich_utils":
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = cast("Loader", _RendererLoader(spec.loader))
        return spec


class _RendererLoader:
    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        standing_in = [name for name in DEFERRED if name not in sys.modules]
        sys.modules.update({name: _stand_in(name, DEFERRED[name]) for name in standing_in})
        try:
            self.loader.exec_module(module)
        finally:
            for name in standing_in:
                del sys.modules[name]


def _import_renderer_lightly() -> None:
    if not any(isinstance(finder, _RendererFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RendererFinder())


def _stand_in(module: str, name: str) -> types.ModuleType:
    """A module whose one class builds the real class's instance (and its classmethods answer the
    real one's), importing the real module on first use."""

    def real() -> Any:
        return getattr(importlib.import_module(module), name)

    class Meta(type):
        def __getattr__(cls, attr: str) -> Any:  # Traceback.from_exception, a classmethod
            return getattr(real(), attr)

    class Deferred(metaclass=Meta):
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return real()(*args, **kwargs)

    Deferred.__name__ = Deferred.__qualname__ = name
    stand_in = types.ModuleType(module)
    setattr(stand_in, name, Deferred)
    return stand_in


def _flags_without_type() -> None:
    option = core.TyperOption
    shown = getattr(option, "display_type_rich", None)
    if shown is None or getattr(shown, "_drillctl_flags", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else shown(self, ctx)

    display_type_rich._drillctl_flags = True  # type: ignore[attr-defined]
    setattr(option, "display_type_rich", display_type_rich)  # noqa: B010 - a method: mypy refuses =
