"""``drillctl doctor [NAME|FILE] [--format text|json]``: parsing and rendering only.

The checks are in ``drillctl.commands.doctor`` (and ``drillctl.observe.doctor``). Exit 1 when a
required check fails (a source the scenario's signals or expect use, the compose project, a
dashboard of a configured Grafana); 2 for a bad scenario or configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from drillctl.cli._common import Format, FormatOption, SetOption, guarded

if TYPE_CHECKING:
    from rich.table import Table

    from drillctl.commands.doctor import DoctorReport
    from drillctl.context import Context
    from drillctl.observe.doctor import Check

STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "not configured": "dim"}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_cmd)


def doctor_cmd(
    ctx: typer.Context,
    scenario: Annotated[str | None, typer.Argument(help="scenario name or YAML file")] = None,
    set_: SetOption = None,
    output: FormatOption = Format.text,
) -> None:
    """Check each configured source, the compose project and (with a scenario) its queries."""

    def body() -> None:
        from drillctl.commands.doctor import doctor
        from drillctl.commands.envelope import dumps

        context: Context = ctx.obj
        found = doctor(context=context, scenario=scenario, assignments=set_ or [])
        if output is Format.json:
            typer.echo(dumps(found), nl=False)
        else:
            _print(context, found)
        if not found.ready:
            raise typer.Exit(1)

    guarded(body)


def _print(context: Context, found: DoctorReport) -> None:
    out = context.console
    out.print(render(found.checks, found.scenario))
    if found.ready:
        out.print("[green]ready[/]")
    else:
        out.print(f"[bold red]not ready:[/] {', '.join(found.not_ready())}", highlight=False)


def render(checks: list[Check], scenario: str | None) -> Table:
    from rich.table import Table
    from rich.text import Text

    title = f"drillctl doctor: {scenario}" if scenario else "drillctl doctor"
    table = Table("check", "item", "status", "required", "detail", title=title)
    for check in checks:
        status = Text(check.status, style=STYLE[check.status])
        table.add_row(
            check.component, check.item, status, "yes" if check.required else "", check.detail
        )
    return table
