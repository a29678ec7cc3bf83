"""The rest of the on-call readiness gate: ``runbook new|lint``, ``recurrence``,
``escalation check`` and ``gate init|status|check|sign``. Parsing and printing only; the work is
in ``drillctl.readiness``."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from drillctl.context import Context
from drillctl.readiness import findings as fmt
from drillctl.readiness.findings import Finding
from drillctl.readiness.lint import lint_path
from drillctl.readiness.recurrence import search
from drillctl.readiness.runbooks import new_runbook
from drillctl.readiness.scenarios import builtin_scenarios_dir, find_scenario, load_scenario


class Format(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    runbook = typer.Typer(
        help="Runbooks: start one from the team template, lint them all.", no_args_is_help=True
    )
    runbook.command("new")(runbook_new)
    runbook.command("lint")(runbook_lint)
    app.add_typer(runbook, name="runbook")
    app.command("recurrence")(recurrence)


def _ctx(ctx: typer.Context) -> Context:
    return ctx.obj if isinstance(ctx.obj, Context) else ctx.find_root().obj


def _runbooks_dir(context: Context, given: Path | None) -> Path:
    return given or context.settings.drill.runbooks_dir or Path("runbooks")


def _shown(path: Path | str) -> str:
    """A path relative to the current directory when it is inside it (shorter FILE:LINE lines)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _print_findings(found: list[Finding], output: Format, **extra: object) -> None:
    shown = [Finding(_shown(f.file), f.line, f.code, f.message, f.level) for f in found]
    if output is Format.json:
        typer.echo(fmt.to_json(shown, **extra))
        return
    for finding in shown:
        typer.echo(str(finding))


def runbook_new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="file name without .md, e.g. redis-oom")],
    from_scenario: Annotated[
        str | None, typer.Option("--from-scenario", help="scenario name or file to pre-fill from")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite without asking")] = False,
    runbooks_dir: Annotated[
        Path | None, typer.Option("--runbooks-dir", help="default: drill.runbooks_dir")
    ] = None,
) -> None:
    """Write runbooks/NAME.md from the team template and add it to the index."""
    context = _ctx(ctx)
    folder = _runbooks_dir(context, runbooks_dir)
    scenario = None
    if from_scenario:
        dirs = [d for d in (context.settings.drill.scenarios_dir, Path("scenarios")) if d]
        scenario = load_scenario(find_scenario(from_scenario, [*dirs, builtin_scenarios_dir()]))
    target = folder / f"{name}.md"
    if (
        target.exists()
        and not force
        and not typer.confirm(f"{_shown(target)} exists. Overwrite?", default=False)
    ):
        raise typer.Exit(1)
    made = new_runbook(folder, name, scenario=scenario, overwrite=True)
    verb = "replaced" if made.replaced else "wrote"
    typer.echo(f"{verb} {_shown(made.path)}; indexed in {_shown(made.index)}")
    typer.echo(f"next: replace every {{{{TBD}}}}, then `drillctl runbook lint {_shown(made.path)}`")


def runbook_lint(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="a runbook or a folder (default: drill.runbooks_dir)")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Check every section, both command forms, no {{TBD}}, and the index. Exit 1 on findings."""
    target = path or _runbooks_dir(_ctx(ctx), None)
    if not target.exists():
        raise typer.BadParameter(f"{target} does not exist", param_hint="PATH")
    found = lint_path(target)
    _print_findings(found, output)
    if found:
        raise typer.Exit(1)


def recurrence(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="what you see: a symptom, an alert, a log line")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many matches")] = 5,
    runbooks_dir: Annotated[
        Path | None, typer.Option("--runbooks-dir", help="default: drill.runbooks_dir")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Has this happened before? Runbooks and past drill reports ranked by relevance (BM25)."""
    context = _ctx(ctx)
    folder = _runbooks_dir(context, runbooks_dir)
    marks = ("**", "**") if output is Format.json else ("\x02", "\x03")
    found = search(text, folder, context.history_db, limit, runs_dir=context.runs_dir, marks=marks)
    if output is Format.json:
        typer.echo(
            json.dumps(
                {"schema_version": 1, "query": text, "matches": [asdict(m) for m in found]},
                indent=2,
            )
        )
        return
    if not found:
        typer.echo("no runbook or past drill matches")
        return
    for rank, match in enumerate(found, start=1):
        where = _shown(match.path_or_run) if match.kind == "runbook" else match.path_or_run
        context.console.print(
            f"{rank}. [bold]{escape(match.title)}[/]  score {match.score:.2f}", highlight=False
        )
        context.console.print(f"   {match.kind} {escape(where)}", highlight=False, soft_wrap=True)
        passage = escape(match.snippet).replace("\x02", "[bold yellow]").replace("\x03", "[/]")
        context.console.print(f"   {passage}", highlight=False, soft_wrap=True)
