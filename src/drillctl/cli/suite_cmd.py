"""(placeholder: filled in by the issue that owns this verb)"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    del app
