"""How ``--help`` shows options: a boolean flag takes no value, so it gets no type placeholder.

typer (0.2x) prints every option's type in the help panel, flags included (``--dry-run <bool>``),
which reads as if the flag took a value. Flags show nothing there; every other option keeps its
type or metavar. Installed once, by ``drillctl.cli.app``, before any help is rendered.
"""

from __future__ import annotations

from typing import Any

from typer import core


def install() -> None:
    """Patch typer's option type display (idempotent; a typer without it is left as it is)."""
    option = core.TyperOption
    shown = getattr(option, "display_type_rich", None)
    if shown is None or getattr(shown, "_drillctl_flags", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else shown(self, ctx)

    display_type_rich._drillctl_flags = True  # type: ignore[attr-defined]
    setattr(option, "display_type_rich", display_type_rich)  # noqa: B010 - a method: mypy refuses =
