"""``drillctl init``: point drillctl at an existing compose project.

Inspects the project, writes a commented ``drillctl.toml`` and a starter drill (asking before it
overwrites anything; ``--yes`` for scripts), then checks the result with ``doctor`` against the
new configuration and the starter drill. init's exit code says whether the files were written;
doctor's verdict is shown, not returned (the stack may simply not be up yet).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from drillctl.cli.doctor_cmd import render
from drillctl.core.errors import ConfigError, DrillError

if TYPE_CHECKING:  # init's inspection, the scenario stack and doctor load when init runs
    from drillctl.context import Context
    from drillctl.init.command import Confirm, InitResult
    from drillctl.scenario.model import ScenarioBase


def _confirm_with(console: Console, interactive: bool) -> Confirm:
    def confirm(path: Path) -> bool:
        if not interactive:
            raise ConfigError(
                f"{path} exists and differs from what init would write",
                hint="rerun with --yes to overwrite it, or move it away",
            )
        console.print(f"{path} exists.", highlight=False)
        return typer.confirm("Overwrite it?", default=False)

    return confirm


def _project_dir(ctx: typer.Context, local: Path | None) -> Path:
    """--project-dir given to init or to drillctl itself; else the current directory.

    Deliberately not the configured project: init runs where no drillctl.toml exists yet, and a
    drillctl.toml in a parent folder belongs to some other project.
    """
    root = ctx.find_root().params.get("project_dir")
    return (local or root or Path.cwd()).resolve()


def _show(result: InitResult, console: Console) -> None:
    project = result.project
    console.print(f"[bold]compose project[/] {project.name} in {project.dir}", highlight=False)
    console.print(f"  read from {project.how}", highlight=False)
    tools = {s.name: s.tool.value for s in project.services if s.tool}
    for service in project.services:
        kind = f" ({tools[service.name]})" if service.name in tools else ""
        ports = ", ".join(str(p) for p in service.published()) or "no published port"
        console.print(f"  service {service.name}{kind}: {ports}", highlight=False)
    for found in result.found:
        mark = "[green]found[/]" if found.url else "[yellow]not found[/]"
        where = f"{found.url} ({found.note})" if found.url else found.note
        console.print(f"  {found.tool.value}: {mark}: {where}", highlight=False)
    _show_files(result, console)


def _show_files(result: InitResult, console: Console) -> None:
    for path in result.written:
        console.print(f"[green]wrote[/] {path}", highlight=False)
    for path in result.unchanged:
        console.print(f"unchanged {path}", highlight=False)
    for path in result.kept:
        console.print(f"[yellow]kept[/] {path} (not overwritten)", highlight=False)
    for note in result.notes:
        console.print(f"[yellow]todo:[/] {note}", highlight=False)


def _starter_scenario(result: InitResult, context: Context) -> ScenarioBase | None:
    if result.scenario_path is None:
        return None
    from drillctl.scenario.loader import load_path
    from drillctl.scenario.secrets import resolve_secrets

    scenario, _doc = load_path(result.scenario_path, variables=context.settings.vars)
    return resolve_secrets(scenario, os.environ, context.redactor)


def run_doctor(result: InitResult, console: Console) -> bool:
    """``doctor`` with the written configuration and starter drill; True when ready."""
    console.print(f"[bold]doctor[/] (drillctl --config {result.config_path} doctor)")
    try:
        from drillctl.config import load_settings
        from drillctl.context import Context

        context = Context(settings=load_settings(config_path=result.config_path), console=console)
        scenario = _starter_scenario(result, context)
        from drillctl.commands.doctor import run_checks

        checks = asyncio.run(run_checks(context, scenario))
    except DrillError as exc:
        console.print(f"[yellow]doctor could not run:[/] {exc}", markup=True)
        return False
    console.print(render(checks, scenario.name if scenario else None))
    from drillctl.observe.doctor import failed_required

    failed = failed_required(checks)
    for check in failed:
        console.print(f"[bold red]not ready:[/] {check.component} {check.item}: {check.detail}")
    if not failed:
        console.print("[green]ready[/]")
    return not failed


def _next_steps(result: InitResult, console: Console) -> None:
    here = result.config_path.parent == Path.cwd()
    drillctl = "drillctl" if here else f"drillctl --config {result.config_path}"
    console.print("[bold]next[/]")
    console.print(f"  {drillctl} doctor")
    if result.scenario_path:
        scenario = result.scenario_path.relative_to(Path.cwd()) if here else result.scenario_path
        console.print(f"  {drillctl} run {scenario} --dry-run")
        console.print(f"  {drillctl} run {scenario}")


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        ctx: typer.Context,
        project_dir: Annotated[
            Path | None, typer.Option("--project-dir", help="compose project (default: .)")
        ] = None,
        files: Annotated[
            list[Path] | None, typer.Option("-f", "--file", help="compose file(s)")
        ] = None,
        service: Annotated[
            str | None, typer.Option("--service", help="service the starter drill stops")
        ] = None,
        scenarios_dir: Annotated[
            str, typer.Option("--scenarios-dir", help="where the starter drill goes")
        ] = "drills",
        yes: Annotated[bool, typer.Option("--yes", "-y", help="overwrite without asking")] = False,
        doctor: Annotated[
            bool, typer.Option("--doctor/--no-doctor", help="check the result with doctor")
        ] = True,
    ) -> None:
        """Inspect a compose project; write drillctl.toml and a starter drill; run doctor."""
        from drillctl.init.command import init_project

        console = Console(highlight=False, soft_wrap=True)
        result = init_project(
            _project_dir(ctx, project_dir),
            files=files or ctx.find_root().params.get("compose_file") or (),
            service=service,
            scenarios_dir=scenarios_dir,
            yes=yes,
            confirm=_confirm_with(console, sys.stdin.isatty()),
        )
        _show(result, console)
        if doctor:
            run_doctor(result, console)
        _next_steps(result, console)
