"""``drillctl lab up|down|status|logs``: the reference lab (compose/) on this machine.

Parsing and printing only; the work is in :class:`drillctl.lab.stack.LabStack`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from drillctl.cli._common import guarded
from drillctl.cli.tables import copyable_column
from drillctl.lab.endpoints import PASSWORDS_NOTE
from drillctl.lab.stack import DEFAULT_PROJECT, LabStack, ServiceStatus

if TYPE_CHECKING:
    from rich.console import Console

    from drillctl.lab.progress import Report

lab_app = typer.Typer(
    name="lab",
    help="The reference ebit lab (compose/): build, start, stop, inspect.",
    no_args_is_help=True,
)

ProjectOption = Annotated[
    str,
    typer.Option(
        "--project-name", "-p", envvar="EBIT_LAB_PROJECT", help="compose project name of the lab"
    ),
]
SwarmOption = Annotated[
    bool,
    typer.Option("--swarm", help="the lab as a swarm stack (docs/swarm.md); -p names the stack"),
]


def lab_for(swarm: bool, name: str) -> Any:
    from drillctl.lab.swarm_stack import lab_for as make  # loaded when a lab verb runs

    return make(swarm, name)


def register(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab")


def _console(ctx: typer.Context) -> Any:
    from rich.console import Console

    return getattr(ctx.obj, "console", None) or Console()


@lab_app.command("up")
def lab_up(
    ctx: typer.Context,
    smoke: Annotated[
        bool, typer.Option("--smoke", help="also start the steady traffic (profile smoke)")
    ] = False,
    build: Annotated[
        bool, typer.Option("--build/--no-build", help="build missing or stale images")
    ] = True,
    project: ProjectOption = DEFAULT_PROJECT,
    swarm: SwarmOption = False,
) -> None:
    """Build what is missing, start the lab, wait until it is healthy, print the endpoints."""
    console = _console(ctx)

    def body() -> None:
        from rich.console import Console

        stack = lab_for(swarm, project)
        with progress(Console(stderr=True)) as report:
            stack.up(smoke=smoke, build=build, report=report)
        console.print(endpoints_table(stack))

    guarded(body)


@lab_app.command("down")
def lab_down(
    ctx: typer.Context,
    volumes: Annotated[
        bool, typer.Option("--volumes", help="also delete the Postgres volume")
    ] = False,
    project: ProjectOption = DEFAULT_PROJECT,
    swarm: SwarmOption = False,
) -> None:
    """Stop and remove the lab's containers (and its data with --volumes)."""
    console = _console(ctx)

    def body() -> None:
        lab_for(swarm, project).down(volumes=volumes)
        console.print(f"lab {project} is down" + (" (volumes removed)" if volumes else ""))

    guarded(body)


@lab_app.command("status")
def lab_status(
    ctx: typer.Context, project: ProjectOption = DEFAULT_PROJECT, swarm: SwarmOption = False
) -> None:
    """One line per service: container state and health (tasks running/desired on swarm)."""
    console = _console(ctx)
    guarded(lambda: console.print(status_table(lab_for(swarm, project).status())))


@lab_app.command("logs")
def lab_logs(
    service: Annotated[str, typer.Argument(help="service name, e.g. ebit-api")],
    follow: Annotated[bool, typer.Option("--follow", "-f", help="keep printing new lines")] = False,
    tail: Annotated[int | None, typer.Option("--tail", help="only the last N lines")] = None,
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Print a service's logs (JSON lines for the ebit services)."""

    def body() -> None:
        code = LabStack(project).logs(service, tail=tail, follow=follow)
        if code:
            raise typer.Exit(code)

    guarded(body)


@contextlib.contextmanager
def progress(err: Console) -> Iterator[Report]:
    """On a terminal, a spinner naming the current step above the steps done; otherwise (CI,
    a pipe) one plain ``lab: ...`` line per step. Both on stderr: stdout is the endpoint table."""
    if not err.is_terminal:
        yield lambda line: err.print(f"lab: {line}", markup=False, highlight=False)
        return
    with err.status("lab: checking Docker") as status:

        def report(line: str) -> None:
            err.print(f"  {line}", markup=False, highlight=False, style="dim")
            status.update(f"lab: {line}")

        yield report


def endpoints_table(stack: Any) -> Table:
    rows = stack.endpoints.rows()
    table = Table(
        title=f"lab {stack.project_name}: endpoints (127.0.0.1 only)",
        caption=PASSWORDS_NOTE,
        box=box.SIMPLE,
    )
    table.add_column("service")
    copyable_column(table, "address", [address for _, address in rows])
    for name, address in rows:
        table.add_row(name, address)
    return table


def status_table(statuses: list[ServiceStatus]) -> Table:
    table = Table(box=box.SIMPLE)
    for column in ("service", "state", "health"):
        table.add_column(column)
    copyable_column(table, "container", [status.container for status in statuses])
    for status in statuses:
        style = "green" if status.health in ("healthy", "") and status.state == "running" else "red"
        table.add_row(
            status.service, f"[{style}]{status.state}[/]", status.health or "-", status.container
        )
    return table
