"""What the cli modules share, in one module below them all, so none imports app.py or another
verb's module for it. Light imports only: --help, --version and a completion Tab load this."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from drillctl.core.errors import DrillError

if TYPE_CHECKING:
    from rich.console import Console

    from drillctl.context import Context
    from drillctl.scenario.catalog import Catalog

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="a variable (queue=bets) or a field path (faults[0].duration=20s); repeatable",
    ),
]


class Format(StrEnum):
    text = "text"
    json = "json"  # a versioned envelope: {"schema_version": N, "kind": "drillctl.<what>", ...}


FormatOption = Annotated[Format, typer.Option("--format", help="text or json")]


def warn_deprecated(old: str, new: str) -> None:
    """A renamed flag or value keeps working for one minor version; stderr says the new name."""
    typer.echo(f"drillctl: warning: {old} is deprecated and goes in 0.3.0; use {new}", err=True)


def run_guarded(func: Callable[[], Any], console: Console | None = None) -> int:
    """Run a command body; map drillctl's own errors to their exit codes with a clear message."""
    try:
        func()
    except DrillError as exc:
        print_error(exc, console)
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    return 0


def print_error(exc: DrillError, console: Console | None = None) -> None:
    """``error: MESSAGE`` in bold red on stderr (rich is imported here: most runs need none)."""
    from rich.console import Console
    from rich.markup import escape

    # escape: messages quote user input (argv lists, PromQL) that rich would read as markup
    message = f"[bold red]error:[/] {escape(str(exc))}"
    err = console or Console(stderr=True)
    err.print(message, markup=True, highlight=False, soft_wrap=True)


def guarded(body: Callable[[], Any]) -> None:
    """Run a command body; drillctl's errors become a message and their exit code."""
    code = run_guarded(body)
    if code:
        raise typer.Exit(code)


def catalog(ctx: typer.Context) -> Catalog:
    from drillctl.scenario.catalog import Catalog

    context: Context = ctx.obj
    found = context.scenario_inputs()
    return Catalog(found.scenarios_dir, found.vars)
