"""``drillctl history``: past runs from the SQLite index, and moving that index between machines.

``history [--scenario] [--operator] [--result] [--target] [--since] [--limit]`` lists runs;
``history export FILE`` / ``history import FILE`` carry it as JSON lines (CI restores it from
its artefact store before a suite and saves it after); ``history rebuild`` re-reads every run
directory. Parsing only; the work is in ``drillctl.report.history``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drillctl.cli._common import guarded
from drillctl.core.errors import DrillError

# The index loads the report stack (charts included): each command imports it when it runs.
if TYPE_CHECKING:
    from drillctl.context import Context

history_app = typer.Typer(
    name="history",
    help="Past runs (scenario, operator, result, durations) from the history index.",
    invoke_without_command=True,
    no_args_is_help=False,
)
_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def register(app: typer.Typer) -> None:
    app.add_typer(history_app, name="history")


def parse_since(text: str, now: datetime) -> datetime:
    """``7d``, ``24h``, ``30m``, ``2w`` before ``now``, or an ISO 8601 date (UTC if naive)."""
    match = _RELATIVE.match(text.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise DrillError(
            f"--since {text!r}: use 7d, 24h, 30m or an ISO date such as 2026-03-01"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@history_app.callback(invoke_without_command=True)
def history_list(
    ctx: typer.Context,
    scenario: Annotated[str | None, typer.Option("--scenario", help="only this scenario")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="only this operator")] = None,
    result: Annotated[
        str | None, typer.Option("--result", help="passed, failed, aborted...")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="only this compose project")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="7d, 24h or an ISO date")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="at most this many runs")] = 20,
    format_: Annotated[
        str, typer.Option("--format", "-F", help="table, or json (every column of every run)")
    ] = "table",
) -> None:
    """List past runs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    context: Context = ctx.obj

    def body() -> None:
        from drillctl.report import history

        start = parse_since(since, context.clock.now()) if since else None
        runs = history.query(
            context.history_db,
            scenario=scenario,
            operator=operator,
            result=result,
            target=target,
            since=start,
            limit=limit,
        )
        if format_ == "json":
            from drillctl.report.history_table import history_json

            typer.echo(history_json(runs), nl=False)
            return
        if format_ != "table":
            raise DrillError(f"--format {format_!r}: use table or json")
        if not runs:
            typer.echo("no runs recorded (drillctl history rebuild re-reads the run directories)")
            return
        from drillctl.report.history_table import history_table

        context.console.print(history_table(runs, context.console.width))

    guarded(body)


@history_app.command("export")
def export_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="JSON lines file to write")]
) -> None:
    """Write every indexed run to FILE (JSON lines), e.g. for a CI artefact store."""
    context: Context = ctx.obj

    def body() -> None:
        from drillctl.report import history

        typer.echo(f"exported {history.export(context.history_db, file)} runs to {file}")

    guarded(body)


@history_app.command("import")
def import_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="a file from history export")]
) -> None:
    """Add (or update) the runs of an export file in the index."""
    context: Context = ctx.obj

    def body() -> None:
        from drillctl.report import history

        typer.echo(f"imported {history.import_(context.history_db, file)} runs from {file}")

    guarded(body)


@history_app.command("rebuild")
def rebuild_cmd(
    ctx: typer.Context,
    clear: Annotated[
        bool, typer.Option("--clear", help="drop every row first (imported ones too)")
    ] = False,
) -> None:
    """Re-index every run directory under the state directory."""
    context: Context = ctx.obj

    def body() -> None:
        from drillctl.report import history

        count = history.rebuild(context.history_db, context.runs_dir, clear=clear)
        typer.echo(f"indexed {count} runs from {context.runs_dir}")

    guarded(body)
