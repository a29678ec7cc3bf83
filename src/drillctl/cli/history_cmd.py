"""``drillctl history``: past runs from the SQLite index, and moving that index between machines.

``history [--scenario] [--operator] [--result] [--target] [--since] [--limit] [--format]`` lists
runs (``--format json``: the ``drillctl.history`` envelope);
``history export FILE`` / ``history import FILE`` carry it as JSON lines (CI restores it from
its artefact store before a suite and saves it after); ``history rebuild`` re-reads every run
directory. Parsing and rendering only; the work is in ``drillctl.commands.history``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drillctl.cli._common import guarded, warn_deprecated
from drillctl.core.errors import DrillError

# The index loads the report stack (charts included): each command imports it when it runs.
if TYPE_CHECKING:
    from drillctl.commands.history import HistoryListing
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


class HistoryFormat(StrEnum):
    text = "text"
    json = "json"  # the drillctl.history envelope: every column of every run
    table = "table"  # 0.1.0's name for text: deprecated, goes in 0.3.0


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
        HistoryFormat,
        typer.Option("--format", "-F", help="text, or json (every column of every run)"),
    ] = HistoryFormat.text,
) -> None:
    """List past runs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    context: Context = ctx.obj
    if format_ is HistoryFormat.table:
        warn_deprecated("--format table", "--format text")

    def body() -> None:
        from drillctl.commands.history import HistoryFilters, history

        start = parse_since(since, context.clock.now()) if since else None
        filters = HistoryFilters(scenario, operator, result, target, start, limit)
        _show(context, history(context=context, filters=filters), format_)

    guarded(body)


def _show(context: Context, listing: HistoryListing, format_: HistoryFormat) -> None:
    if format_ is HistoryFormat.json:
        from drillctl.commands.envelope import dumps

        typer.echo(dumps(listing), nl=False)
    elif not listing.runs:
        typer.echo("no runs recorded (drillctl history rebuild re-reads the run directories)")
    else:
        from drillctl.report.history_table import history_table

        context.console.print(history_table(listing.runs, context.console.width))


@history_app.command("export")
def export_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="JSON lines file to write")]
) -> None:
    """Write every indexed run to FILE (JSON lines), e.g. for a CI artefact store."""

    def body() -> None:
        from drillctl.commands.history import export_runs

        done = export_runs(context=ctx.obj, file=file)
        typer.echo(f"exported {done.count} runs to {done.path}")

    guarded(body)


@history_app.command("import")
def import_cmd(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="a file from history export")]
) -> None:
    """Add (or update) the runs of an export file in the index."""

    def body() -> None:
        from drillctl.commands.history import import_runs

        done = import_runs(context=ctx.obj, file=file)
        typer.echo(f"imported {done.count} runs from {done.path}")

    guarded(body)


@history_app.command("rebuild")
def rebuild_cmd(
    ctx: typer.Context,
    clear: Annotated[
        bool, typer.Option("--clear", help="drop every row first (imported ones too)")
    ] = False,
) -> None:
    """Re-index every run directory under the state directory."""

    def body() -> None:
        from drillctl.commands.history import rebuild

        done = rebuild(context=ctx.obj, clear=clear)
        typer.echo(f"indexed {done.count} runs from {done.path}")

    guarded(body)
