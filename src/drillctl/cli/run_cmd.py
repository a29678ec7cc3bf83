"""``drillctl run NAME|FILE``: run a drill; ``--dry-run`` prints the plan and touches nothing."""

from __future__ import annotations

from typing import Annotated

import typer

from drillctl.cli.scenario_cmds import SetOption, catalog, guarded
from drillctl.config import Settings
from drillctl.context import Context
from drillctl.drill.plan import build_plan, render_plan
from drillctl.errors import DrillError
from drillctl.scenario.catalog import Loaded
from drillctl.scenario.overrides import parse_assignments


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)


def run_cmd(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="scenario name or YAML file")],
    set_: SetOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="print the plan (faults, targets, durations, reverts) and exit"
        ),
    ] = False,
) -> None:
    """Run a chaos drill against the compose project."""

    def body() -> None:
        loaded = catalog(ctx).load(scenario, parse_assignments(set_ or []))
        if dry_run:
            dry_run_plan(ctx.obj, loaded)
            return
        raise DrillError("the drill engine is not available yet; use --dry-run to see the plan")

    guarded(body)


def dry_run_plan(context: Context, loaded: Loaded) -> None:
    """Print the plan of a loaded scenario; nothing is started, stopped or changed."""
    plan = build_plan(
        loaded.scenario, source=loaded.source, target=describe_target(context.settings)
    )
    for line in render_plan(plan, context.redactor):
        context.console.print(line, markup=False, highlight=False, soft_wrap=True)


def describe_target(settings: Settings) -> str:
    project = settings.project
    name = project.name or (project.dir.name if project.dir else "(current directory)")
    files = ", ".join(str(f) for f in project.files) or "default compose file"
    where = f" in {project.dir}" if project.dir else ""
    return f"{project.driver} project {name}{where} ({files})"
