"""``drillctl changes``: parsing and printing only; the work is in
``drillctl.readiness.api_changes`` and ``review_actions``."""

from __future__ import annotations

import getpass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from drillctl.cli._common import guarded
from drillctl.cli.history_cmd import parse_since
from drillctl.context import Context
from drillctl.core.errors import ConfigError

if TYPE_CHECKING:  # the OpenAPI validator behind these costs ~0.4 s: imported when the verb runs
    from drillctl.readiness import changes_render as render


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command("changes")(changes_cmd)


def _ctx(ctx: typer.Context) -> Context:
    return ctx.obj if isinstance(ctx.obj, Context) else ctx.find_root().obj


def changes_cmd(
    ctx: typer.Context,
    reference: Annotated[
        Path | None,
        typer.Argument(
            metavar="API_REFERENCE_DIR",
            help="version log + OpenAPI snapshots (default: readiness.api_reference)",
        ),
    ] = None,
    migrations: Annotated[
        Path | None,
        typer.Option(
            "--migrations", help="prisma/migrations folder (default: readiness.migrations)"
        ),
    ] = None,
    route: Annotated[
        str | None, typer.Option("--route", help="only changes to this route, e.g. /bets/settle")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="only releases this recent, e.g. 2d, 12h")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="who reviews (default: you)")] = None,
    output: Annotated[
        Format, typer.Option("--format", help="table, markdown or json")
    ] = Format.table,
) -> None:
    """Diff each release of the API with the one before: endpoints added, deprecated, removed,
    request and response fields changed (with their path), and the migrations each shipped.
    Without --route/--since the review is recorded for the gate."""
    context = _ctx(ctx)
    settings = context.settings.readiness

    def body() -> None:
        folder = reference or settings.api_reference
        if folder is None:
            raise ConfigError("no API_REFERENCE_DIR: pass it, or set [readiness] api_reference")
        cutoff = _cutoff(since, context.clock.now())
        reviewer = by or context.settings.drill.operator or getpass.getuser()
        everything = route is None and cutoff is None
        from drillctl.readiness.api_changes import narrowed
        from drillctl.readiness.review_actions import changes_review

        found, record = changes_review(
            context, folder, migrations or settings.migrations, by=reviewer, record=everything
        )
        shown = narrowed(found, route=route, since=cutoff)
        _print(context, shown, output)
        if record is not None and output is Format.table:
            typer.echo(f"review recorded: {record.by} at {record.at.isoformat()}")

    guarded(body)


def _cutoff(since: str | None, now: datetime) -> datetime | None:
    if since is None:
        return None
    try:
        return parse_since(since, now)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from exc


def _print(context: Context, shown: render.Changes, output: Format) -> None:
    from drillctl.readiness import changes_render as render

    if output is Format.json:
        typer.echo(render.to_json(shown))
        return
    if output is Format.markdown:
        typer.echo(render.markdown(shown), nl=False)
        return
    table = Table(*render.HEADER, title=f"API changes ({shown.log})")
    for row in render.table_rows(shown):
        table.add_row(*row)
    context.console.print(table)
