"""The context object: built once by the CLI from the settings and passed down. No globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.config_layers import Layers, ScenarioInputs, scenario_inputs
from drillctl.core.redact import Redactor

if TYPE_CHECKING:
    from rich.console import Console

    from drillctl.config import Settings

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


class _Settings:
    """The ``settings`` field: the ones given, else the context's ``layers`` checked by the
    settings models when first used. The CLI gives layers: the scenario verbs read what they need
    from them (``scenario_inputs``) and start without pydantic; a bad drillctl.toml is reported by
    the first command that uses the settings."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    @overload
    def __get__(self, context: None, owner: type | None = None) -> None: ...

    @overload
    def __get__(self, context: Context, owner: type | None = None) -> Settings: ...

    def __get__(self, context: Context | None, owner: type | None = None) -> Settings | None:
        if context is None:
            return None
        settings: Settings | None = getattr(context, self._slot, None)
        if settings is None:
            from drillctl.config import settings_from  # pydantic: only when settings are used

            if context.layers is None:
                raise TypeError("Context needs settings or layers")
            settings = settings_from(context.layers)
            setattr(context, self._slot, settings)
        return settings

    def __set__(self, context: Context, settings: Settings | None) -> None:
        setattr(context, self._slot, settings)


@dataclass
class Context:
    settings: _Settings = _Settings()
    console: _Console = _Console()
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
