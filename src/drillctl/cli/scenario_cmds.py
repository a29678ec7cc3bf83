"""``drillctl list | show | validate | schema``: the scenario verbs. Parsing only; the work is in
``drillctl.scenario``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from drillctl.cli._common import Format, FormatOption, SetOption, catalog, guarded
from drillctl.core.errors import DrillError, Problem, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console

    from drillctl.commands.list import ListedScenario
    from drillctl.config import Settings
    from drillctl.context import Context
    from drillctl.scenario.source import Document

# The scenario stack (pydantic models, YAML) is imported by the commands that read scenarios, so
# that --help, --version and a completion Tab start without it; rich by those that print with it.


def register(app: typer.Typer) -> None:
    app.command("list")(list_cmd)
    app.command("show")(show_cmd)
    app.command("validate")(validate_cmd)
    app.command("schema")(schema_cmd)


def list_cmd(ctx: typer.Context, output: FormatOption = Format.text) -> None:
    """List the built-in and custom scenarios (a custom one replaces the built-in of its name)."""

    def body() -> None:
        from drillctl.commands.list import list_scenarios

        inputs = ctx.obj.scenario_inputs()
        found = list_scenarios(scenarios_dir=inputs.scenarios_dir, variables=inputs.vars)
        if output is Format.json:
            typer.echo(json.dumps(found.as_json(), indent=2))
        else:
            _print_listing(ctx.obj.console, found.scenarios)
        if found.problems:
            raise ScenarioError(found.problems)

    guarded(body)


def _print_listing(console: Console, items: list[ListedScenario]) -> None:
    """The table; when a custom scenario's path is too long for the terminal, the source column
    gives way to one ``NAME: PATH`` line per custom scenario under the table (whole, copyable)."""
    from rich.table import Table

    from drillctl.cli.tables import copyable_column, fits

    sources = {item.name: _shown(item) for item in items}
    for with_source in (True, False):
        table = Table("name", "severity", "faults", title="scenarios")
        if with_source:
            copyable_column(table, "source", list(sources.values()))
        for item in items:
            row = [item.name, item.severity, ", ".join(item.faults)]
            table.add_row(*row, *([sources[item.name]] if with_source else []))
        if with_source and fits(console, table):
            console.print(table)
            return
    console.print(table)
    for name, source in sources.items():
        if source != "built-in":
            console.print(f"{name}: {source}", markup=False, highlight=False, soft_wrap=True)


def _shown(item: ListedScenario) -> str:
    """Where a scenario comes from; a file under the current directory relative to it (shorter)."""
    cwd, path = Path.cwd(), Path(item.path)
    if item.origin == "built-in" or not path.is_relative_to(cwd):
        return item.source
    return item.source.replace(item.path, str(path.relative_to(cwd)), 1)


def show_cmd(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="scenario name or YAML file")],
    set_: SetOption = None,
    full: Annotated[bool, typer.Option("--full", help="also print every default value")] = False,
) -> None:
    """Print the resolved scenario as YAML: variables filled in, ${env:...} secrets as written."""

    def body() -> None:
        from drillctl.scenario.overrides import parse_assignments
        from drillctl.scenario.render import to_yaml

        loaded = catalog(ctx).load(scenario, parse_assignments(set_ or []))
        typer.echo(f"# {loaded.scenario.name} from {loaded.source}")
        typer.echo(to_yaml(loaded.scenario, full=full, redactor=ctx.obj.redactor), nl=False)

    guarded(body)


def validate_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="scenario files or folders of them")],
    set_: SetOption = None,
) -> None:
    """Check scenario files; print each problem as FILE:LINE:COL: field.path: message (exit 2)."""

    def body() -> None:
        paths, problems = _expand(files)
        problems = _validate(ctx, paths, set_ or []) + problems
        if problems:
            from rich.console import Console

            err = Console(stderr=True, soft_wrap=True, highlight=False)
            for problem in problems:
                err.print(str(problem), markup=False)
            raise typer.Exit(2)

    guarded(body)


def _expand(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Folders become their scenario files; an empty folder is a problem (a wrong path, surely)."""
    from drillctl.scenario.catalog import scenario_files

    out: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        found = scenario_files(path) if path.is_dir() else [path]
        if not found:
            problems.append(Problem(str(path), 1, 1, "", "no *.yaml or *.yml files in this folder"))
        out += found
    return out, problems


def _validate(ctx: typer.Context, paths: list[Path], sets: list[str]) -> list[Problem]:
    from drillctl.scenario.catalog import SUFFIXES, check_unique_names
    from drillctl.scenario.loader import load_path
    from drillctl.scenario.overrides import parse_assignments

    assignments = parse_assignments(sets)
    variables = ctx.obj.scenario_inputs().vars
    problems: list[Problem] = []
    services = _ProjectServices(ctx.obj)
    for path in paths:
        try:
            scenario, doc = load_path(path, variables=variables, sets=assignments)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        typer.echo(f"ok  {path}  ({scenario.name})")
        for warning in services.unknown(scenario, doc):
            typer.echo(str(warning), err=True)
    problems += check_unique_names(p for p in paths if p.suffix in SUFFIXES)
    return problems


class _ProjectServices:
    """The services of the configured project, read once and only if it is reachable: a fault on
    a service that is not there is a warning at validate (the same file may target another stack)
    and a refusal at run (the fault's own check, which lists the services)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._names: list[str] | None = None
        self._tried = False

    def names(self) -> list[str] | None:
        if self.context.config_path is None:
            return None  # no drillctl.toml here: no project to check against (and no docker import)
        if not self._tried:
            self._tried = True
            settings = self.context.settings
            self._names = _in_files(settings) or _from_docker(settings)
        return self._names

    def unknown(self, scenario: Any, doc: Document) -> list[Problem]:
        from drillctl.scenario.loader import faults_of

        found = [(i, _service_of(f)) for i, f in enumerate(faults_of(scenario))]
        wanted = [(i, name) for i, name in found if name]
        names = self.names() if wanted else None
        if not names:
            return []
        known = ", ".join(names)
        return [
            doc.problem(
                ("faults", i, "service"),
                f"warning: service {name!r} is not defined in the project; services: {known}",
            )
            for i, name in wanted
            if name not in names
        ]


def _in_files(settings: Settings) -> list[str] | None:
    from drillctl.target.declared import project_services

    return project_services(settings)


def _from_docker(settings: Settings) -> list[str] | None:
    """The services as the target driver lists them; None when Docker cannot say."""
    from python_on_whales.exceptions import DockerException

    from drillctl.target.factory import build_driver

    try:
        return build_driver(settings).services()
    except (DrillError, DockerException, OSError):  # no docker, no compose file
        return None


def _service_of(fault: Any) -> str | None:
    service = getattr(fault, "service", None)
    return service if isinstance(service, str) else None


def schema_cmd() -> None:
    """Print the JSON Schema of scenario files (for editors: yaml-language-server, VS Code)."""
    from drillctl.scenario.model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))
