"""``drillctl init``: point drillctl at an existing compose project.

Inspects the project, writes a commented ``drillctl.toml`` and a starter drill (asking before it
overwrites anything; ``--yes`` for scripts), then checks the result with ``doctor``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from drillctl.errors import ConfigError
from drillctl.init.command import Confirm, InitResult, init_project


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


def _next_steps(result: InitResult, console: Console) -> None:
    config = result.config_path
    console.print("[bold]next[/]", highlight=False)
    console.print(f"  drillctl --config {config} doctor", highlight=False)
    if result.scenario_path:
        scenario = result.scenario_path
        console.print(f"  drillctl --config {config} run {scenario} --dry-run", highlight=False)
        console.print(f"  drillctl --config {config} run {scenario}", highlight=False)


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
    ) -> None:
        """Inspect a compose project; write drillctl.toml and a starter drill; run doctor."""
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
        _next_steps(result, console)
