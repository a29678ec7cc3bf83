"""The context object: built once by the CLI from the settings and passed down. No globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from drillctl.config import Settings
from drillctl.core.clock import Clock, SystemClock
from drillctl.core.redact import Redactor

STATE_DIR_NAME = ".drillctl"


@dataclass
class Context:
    settings: Settings
    console: Console = field(default_factory=lambda: Console(stderr=False))
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
