"""Shared by the security-register and API-changelog tests: the fixtures' paths, a CLI with the
two verbs and the gate, and a helper recording both reviews (so gate tests can tick the items)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import typer
from click.testing import Result
from typer.testing import CliRunner

from drillctl.cli import changes_cmd, gate_cmd, security_cmd
from drillctl.context import Context
from drillctl.readiness.review_actions import changes_review, security_review

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "security"
REGISTER = EXAMPLE / "security-register.md"
SOURCES = EXAMPLE / "repo"
REFERENCE = REPO / "compose" / "api-reference"
MIGRATIONS = REPO / "compose" / "prisma" / "migrations"
RAISED = ["SF-007", "SF-003", "SF-004", "SF-010", "SF-002", "SF-001", "SF-012"]

Invoke = Callable[..., Result]


def cli_for(context: Context) -> Invoke:
    app = typer.Typer()
    for module in (security_cmd, changes_cmd, gate_cmd):
        module.register(app)

    def invoke(*args: object, input: str | None = None) -> Result:
        return CliRunner().invoke(app, [str(a) for a in args], obj=context, input=input)

    return invoke


def copy_example(to: Path) -> tuple[Path, Path]:
    """A writable copy of the sample register and the repository it links into."""
    shutil.copytree(EXAMPLE, to / "security")
    return to / "security" / "security-register.md", to / "security" / "repo"


def copy_reference(to: Path) -> tuple[Path, Path]:
    shutil.copytree(REFERENCE, to / "api-reference")
    shutil.copytree(MIGRATIONS, to / "migrations")
    return to / "api-reference", to / "migrations"


def record_both(context: Context, register: Path, repo: Path, reference: Path) -> None:
    notes = {fid: "discussed with Priya, fix scheduled" for fid in RAISED}
    security_review(context, register, repo, notes=notes, by="Dana Kim")
    changes_review(context, reference, reference.parent / "migrations", by="Dana Kim", record=True)
