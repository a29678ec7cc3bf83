"""The context object: built once by the CLI from the configuration layers, passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.config_layers import Layers, ScenarioInputs, scenario_inputs
from drillctl.core.redact import Redactor

if TYPE_CHECKING:
    from rich.console import Console

    from drillctl.config import Settings

STATE_DIR_NAME = ".drillctl"


T = TypeVar("T")


class _MadeWhenUsed(Generic[T]):
    """A dataclass field whose value is the one given, else ``make(context)`` when first read
    (and kept). Its default is what ``__get__`` answers on the class: None, not given."""

    def __init__(self, make: Callable[[Context], T]) -> None:
        self._make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    @overload
    def __get__(self, context: None, owner: type | None = None) -> None: ...

    @overload
    def __get__(self, context: Context, owner: type | None = None) -> T: ...

    def __get__(self, context: Context | None, owner: type | None = None) -> T | None:
        if context is None:
            return None
        value: T | None = getattr(context, self._slot, None)
        if value is None:
            value = self._make(context)
            setattr(context, self._slot, value)
        return value

    def __set__(self, context: Context, value: T | None) -> None:
        setattr(context, self._slot, value)


def _stdout_console(context: Context) -> Console:
    """Made when first used, so that a command that prints no table (``validate``) starts
    without rich."""
    from rich.console import Console

    return Console(stderr=False)


def _checked_settings(context: Context) -> Settings:
    """The context's layers checked by the settings models. The CLI gives layers, not settings:
    the scenario verbs read what they need from the layers (``scenario_inputs``) and start
    without pydantic; a bad drillctl.toml is reported by the first command that uses settings."""
    from drillctl.config import settings_from

    if context.layers is None:
        raise TypeError("Context needs settings or layers")
    return settings_from(context.layers)


@dataclass
class Context:
    settings: _MadeWhenUsed[Settings] = _MadeWhenUsed(_checked_settings)
    console: _MadeWhenUsed[Console] = _MadeWhenUsed(_stdout_console)
    clock: Clock = field(default_factory=SystemClock)
    redactor: Redactor = field(default_factory=Redactor)
    layers: Layers | None = None  # what the settings are read from, when not given

    def scenario_inputs(self) -> ScenarioInputs:
        """``[drill] scenarios_dir`` and ``[vars]``: from the layers when they are plainly valid
        (no pydantic), else from the checked settings (which report what is wrong)."""
        quick = scenario_inputs(self.layers) if self.layers is not None else None
        if quick is not None:
            return quick
        return ScenarioInputs(self.settings.drill.scenarios_dir, dict(self.settings.vars))

    @property
    def config_path(self) -> Path | None:
        """The drillctl.toml in use, if any (known without checking it)."""
        return self.layers.path if self.layers is not None else self.settings.config_path

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
