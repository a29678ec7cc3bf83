"""``drillctl doctor [NAME|FILE]``: is every source and the compose project ready for a drill?

Parsing and rendering only; the checks are in ``drillctl.observe.doctor``. Exit 1 when a required
check fails (a source the scenario's signals or expect use, the compose project, a dashboard of a
configured Grafana); 2 for a bad scenario or configuration.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from drillctl.cli._common import SetOption, catalog, guarded
from drillctl.core.errors import DrillError

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.observe.doctor import Check
    from drillctl.scenario.model import ScenarioBase
    from drillctl.target.base import TargetDriver

STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_cmd)


def doctor_cmd(
    ctx: typer.Context,
    scenario: Annotated[str | None, typer.Argument(help="scenario name or YAML file")] = None,
    set_: SetOption = None,
) -> None:
    """Check each configured source, the compose project and (with a scenario) its queries."""

    def body() -> None:
        from drillctl.observe.doctor import failed_required
        from drillctl.scenario.overrides import parse_assignments
        from drillctl.scenario.secrets import resolve_secrets

        context: Context = ctx.obj
        chosen = None
        if scenario:
            loaded = catalog(ctx).load(scenario, parse_assignments(set_ or []))
            chosen = resolve_secrets(loaded.scenario, os.environ, context.redactor)
        checks = asyncio.run(run_checks(context, chosen))
        context.console.print(render(checks, chosen))
        failed = failed_required(checks)
        if failed:
            names = ", ".join(f"{c.component} {c.item}".replace(" -", "") for c in failed)
            context.console.print(f"[bold red]not ready:[/] {names}", highlight=False)
            raise typer.Exit(1)
        context.console.print("[green]ready[/]")

    guarded(body)


def driver_or_none(context: Context) -> TargetDriver | None:
    from drillctl.target.factory import build_driver  # docker SDK: loaded when a command needs it

    try:
        return build_driver(context.settings, clock=context.clock)
    except DrillError:
        return None


async def run_checks(context: Context, scenario: ScenarioBase | None) -> list[Check]:
    from drillctl.observe.doctor import Doctor
    from drillctl.observe.factory import open_sources  # source clients: loaded at the point of use
    from drillctl.target.factory import build_driver

    driver = driver_or_none(context)
    async with open_sources(context.settings.sources, driver=driver) as sources:
        doctor = Doctor(
            sources,
            driver_factory=lambda: build_driver(context.settings, clock=context.clock),
            now=context.clock.now,
        )
        return await doctor.run(scenario)


def render(checks: list[Check], scenario: ScenarioBase | None) -> Table:
    title = f"drillctl doctor: {scenario.name}" if scenario else "drillctl doctor"
    table = Table("check", "item", "status", "required", "detail", title=title)
    for check in checks:
        status = Text(check.status, style=STYLE[check.status])
        table.add_row(
            check.component, check.item, status, "yes" if check.required else "", check.detail
        )
    return table
