from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from drillctl.cli import gate_cmd
from drillctl.config import DrillConfig, Settings
from drillctl.context import Context
from drillctl.core.clock import FakeClock

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "readiness"
RUNBOOKS = REPO / "runbooks"

Invoke = Callable[..., Result]


@pytest.fixture
def context(tmp_path: Path) -> Context:
    settings = Settings(drill=DrillConfig(state_dir=tmp_path / "state", runbooks_dir=RUNBOOKS))
    return Context(settings=settings, clock=FakeClock())


@pytest.fixture
def cli(context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """The readiness verbs on their own typer app, run in tmp_path with the test's context."""
    app = typer.Typer()
    gate_cmd.register(app)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: object, input: str | None = None) -> Result:
        return CliRunner().invoke(app, [str(a) for a in args], obj=context, input=input)

    return invoke
