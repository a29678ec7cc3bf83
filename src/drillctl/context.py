"""The context object: built once by the CLI from the settings and passed down. No globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from drillctl.config import Settings
from drillctl.core.clock import Clock, SystemClock
from drillctl.core.redact import Redactor

if TYPE_CHECKING:
    from rich.console import Console

STATE_DIR_NAME = ".drillctl"


class _Console:
    """The ``console`` field: the one given, else a stdout console made when first used, so that
    a command that prints no table (``validate``) starts without rich. A descriptor-typed
    dataclass field: its default is what ``__get__`` answers on the class (None: not given)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    @overload
    def __get__(self, context: None, owner: type | None = None) -> None: ...

    @overload
    def __get__(self, context: Context, owner: type | None = None) -> Console: ...

    def __get__(self, context: Context | None, owner: type | None = None) -> Console | None:
        if context is None:
            return None
        console: Console | None = getattr(context, self._slot, None)
        if console is None:
            from rich.console import Console

            console = Console(stderr=False)
            setattr(context, self._slot, console)
        return console

    def __set__(self, context: Context, console: Console | None) -> None:
        setattr(context, self._slot, console)


@dataclass
class Context:
    settings: Settings
    console: _Console = _Console()
    clock: Clock = field(default_factory=SystemClock)
    redactor: Redactor = field(default_factory=Redactor)

    @property
    def project_dir(self) -> Path:
        return self.settings.project.dir or Path.cwd()

    @property
    def state_dir(self) -> Path:
        """``.drillctl/`` in the compose project directory, or the configured state dir."""
        return self.settings.drill.state_dir or self.project_dir / STATE_DIR_NAME

    @property
    def runs_dir(self) -> Path:
        return self.state_dir / "runs"

    @property
    def history_db(self) -> Path:
        return self.state_dir / "history.sqlite"
