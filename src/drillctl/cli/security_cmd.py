"""``drillctl security review``: parsing and printing only; the work is in
``drillctl.readiness.review_actions`` and ``security_review``."""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from drillctl.cli._common import guarded
from drillctl.context import Context
from drillctl.core.errors import ConfigError

if TYPE_CHECKING:  # the readiness stack is imported when the verb runs, not on every start-up
    from drillctl.readiness import security_render as render
    from drillctl.readiness.security_register import SecurityFinding


class _NotePairs(TyperCommand):
    """``--note SF-007 "..."`` takes two values; typer has no type for a repeated pair, so the
    option, declared ``list[Any]``, is given ``nargs=2`` here: each note arrives as (ID, TEXT)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.name == "note":
                param.nargs = 2


class Format(StrEnum):
    text = "text"
    slack = "slack"
    markdown = "markdown"
    json = "json"


def register(app: typer.Typer) -> None:
    security = typer.Typer(
        help="The security register, for the readiness gate.", no_args_is_help=True
    )
    security.command("review", cls=_NotePairs)(review_cmd)
    app.add_typer(security, name="security")


def _ctx(ctx: typer.Context) -> Context:
    return ctx.obj if isinstance(ctx.obj, Context) else ctx.find_root().obj


def _required(value: Path | None, key: str, what: str) -> Path:
    if value is None:
        raise ConfigError(f"no {what}: pass it, or set [readiness] {key} in drillctl.toml")
    return value


def _ask(finding: SecurityFinding) -> str:
    head = f"{finding.id} ({finding.category}, {finding.score:g}): {finding.title}"
    return str(typer.prompt(f"{head}\n  discussed with whom, and what was agreed?", default=""))


def review_cmd(
    ctx: typer.Context,
    register_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="REGISTER", help="security-register.md (default: readiness.security_register)"
        ),
    ] = None,
    repo: Annotated[
        Path | None, typer.Option("--repo", help="the repository the source links point into")
    ] = None,
    note: Annotated[
        list[Any] | None,
        typer.Option(
            "--note", metavar="ID TEXT", help='a pending finding\'s note: --note SF-007 "..."'
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="who reviews (default: you)")] = None,
    output: Annotated[
        Format, typer.Option("--format", help="text, slack, markdown or json")
    ] = Format.text,
    to_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the full rendering to this file")
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="never ask for notes")] = False,
) -> None:
    """Check every finding's source link and body, list the pending findings to raise with the
    team lead, and record the review for the gate. Exit 1 when the register has broken links."""
    context = _ctx(ctx)
    settings = context.settings.readiness

    def body() -> None:
        path = _required(
            register_file or settings.security_register, "security_register", "REGISTER"
        )
        folder = _required(repo or settings.repo, "repo", "--repo")
        interactive = not no_input and sys.stdin.isatty() and output is Format.text
        reviewer = by or context.settings.drill.operator or getpass.getuser()
        from drillctl.readiness.findings import blockers
        from drillctl.readiness.review_actions import security_review

        result, record = security_review(
            context,
            path,
            folder,
            notes={str(fid): str(text) for fid, text in note or []},
            by=reviewer,
            ask=_ask if interactive else None,
        )
        # the full list only where the user reads it: a terminal, or a file they named (not CI logs)
        full = to_file is not None or (output is Format.text and sys.stdout.isatty())
        text = _render(output, result, record, full)
        if to_file is not None:
            to_file.write_text(text + "\n", encoding="utf-8")
            typer.echo(f"wrote {to_file}")
        else:
            typer.echo(text)
        if blockers(result.problems):
            raise typer.Exit(1)

    guarded(body)


def _render(
    output: Format, result: render.SecurityReview, record: render.Review, full: bool
) -> str:
    from drillctl.readiness import security_render as render

    if output is Format.json:
        return render.to_json(result, record, full)
    if output is Format.slack:
        return render.slack_text(result, record)
    if output is Format.markdown:
        return render.markdown(result, record, full)
    return "\n".join(render.text_lines(result, record, full))
