"""``drillctl run NAME|FILE``: run a drill; ``--dry-run`` prints the plan and touches nothing.

Interactive (the live panel and the responder's keys) when stdin is a terminal, unattended
(``--non-interactive``: the scenario's ``expect`` block judges) otherwise. The exit code is the
drill's: 0 passed, 1 an expectation failed (or an interactive drill nobody acknowledged or
explained), 2 nothing injected (invalid, locked, unrecovered run), 3 aborted, 4 revert failed,
5 not in steady state.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from drillctl.cli._common import SetOption, catalog, guarded
from drillctl.core.errors import ConfigError

if TYPE_CHECKING:  # the scenario stack and the engine load when a drill is planned or run
    from drillctl.commands.run import RunRequest
    from drillctl.config import Settings
    from drillctl.context import Context
    from drillctl.operator.blind import BlindPick
    from drillctl.scenario.catalog import Loaded


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)


def run_cmd(
    ctx: typer.Context,
    scenario: Annotated[
        str | None, typer.Argument(help="scenario name or YAML file (none with --blind)")
    ] = None,
    set_: SetOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="print the plan (faults, targets, durations, reverts) and exit"
        ),
    ] = False,
    non_interactive: Annotated[
        bool | None,
        typer.Option(
            "--non-interactive/--interactive",
            help="unattended: the expect block judges [default: when stdin is not a tty]",
            show_default=False,
        ),
    ] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="who responds (default: config, then $USER)")
    ] = None,
    slack_webhook: Annotated[
        str | None,
        typer.Option(
            "--slack-webhook",
            envvar="DRILLCTL_SLACK_WEBHOOK",
            help="post the timeline to this Slack incoming webhook",
            show_default=False,
        ),
    ] = None,
    max_duration: Annotated[
        str | None,
        typer.Option("--max-duration", help="cap on the drill after injection (default 15m)"),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask before injecting")] = False,
    blind: Annotated[
        str | None,
        typer.Option("--blind", help="draw a hidden scenario: a,b,c | a blind_sets name | all"),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="seed of the blind draw")] = None,
    difficulty: Annotated[
        str | None, typer.Option("--difficulty", help="blind: only easy|medium|hard scenarios")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="unattended: no progress lines but the result")
    ] = False,
) -> None:
    """Run a chaos drill against the compose project."""

    def body() -> None:
        from drillctl.scenario.overrides import parse_assignments

        context: Context = ctx.obj
        pick = _blind_pick(ctx, scenario, blind, seed, difficulty, set_)
        sets = parse_assignments(set_ or [])
        loaded = pick.loaded if pick else catalog(ctx).load(scenario or "", sets)
        if dry_run:
            _plan(context, loaded, pick)
            return
        interactive = sys.stdin.isatty() if non_interactive is None else not non_interactive
        if interactive and not sys.stdin.isatty():
            raise ConfigError(
                "--interactive needs a terminal on stdin for the responder's keys",
                hint="use --non-interactive (the scenario's expect block judges the drill)",
            )
        if interactive and not yes:
            _confirm(context, loaded, pick)
        request = _request(context, loaded, interactive, operator, slack_webhook, max_duration)
        if pick:
            request = replace(request, blind=pick, seed=pick.seed)
        if not interactive:  # stderr: stdout stays the report
            from drillctl.commands.progress import Progress

            # a blind drill's steps would name its hidden fault: only the result
            hide = quiet or pick is not None
            request = replace(request, progress=Progress(sys.stderr, quiet=hide))
        from drillctl.commands.run import run_drill  # the engine's imports only for real runs

        result = run_drill(context, request)
        context.console.print(
            f"run {result.run_id}: {result.outcome.result} (exit {result.outcome.exit_code}): "
            f"{result.outcome.reason}\nreports in {result.run_dir}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        if result.outcome.exit_code:
            raise typer.Exit(int(result.outcome.exit_code))

    guarded(body)


def _request(
    context: Context,
    loaded: Loaded,
    interactive: bool,
    operator: str | None,
    slack_webhook: str | None,
    max_duration: str | None,
) -> RunRequest:
    from drillctl.commands.run import RunRequest
    from drillctl.core.durations import parse_duration

    if slack_webhook:
        context.redactor.add(slack_webhook)
    cap = max_duration or context.settings.drill.max_duration
    try:
        limit = parse_duration(cap)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"--max-duration {cap!r}: {exc}") from exc
    who = operator or context.settings.drill.operator or os.environ.get("USER") or getpass.getuser()
    return RunRequest(
        scenario=loaded.scenario,
        scenario_file=loaded.source,
        interactive=interactive,
        operator=who,
        max_duration=limit,
        slack_webhook=slack_webhook,
        key_fd=sys.stdin.fileno() if interactive else 0,
    )


def _blind_pick(
    ctx: typer.Context,
    scenario: str | None,
    spec: str | None,
    seed: int | None,
    difficulty: str | None,
    set_: list[str] | None,
) -> BlindPick | None:
    if (spec is None) == (scenario is None):
        raise ConfigError("name one scenario, or draw a hidden one with --blind (not both)")
    if spec is None:
        return None
    from drillctl.operator.blind import pick_for_run
    from drillctl.scenario.overrides import parse_assignments

    context: Context = ctx.obj
    return pick_for_run(
        catalog(ctx),
        spec,
        seed=seed,
        sets=context.settings.drill.blind_sets,
        difficulty=difficulty,
        assignments=parse_assignments(set_ or []),
        target=describe_target(context.settings),
        redactor=context.redactor,
    )


def _plan(context: Context, loaded: Loaded, pick: BlindPick | None) -> None:
    """The plan, or for a blind drill only what can be said without giving it away."""
    if pick is None:
        dry_run_plan(context, loaded)
        return
    from drillctl.operator.blind import masked_plan

    for line in masked_plan(pick):
        context.console.print(line, markup=False, highlight=False, soft_wrap=True)


def _confirm(context: Context, loaded: Loaded, pick: BlindPick | None = None) -> None:
    _plan(context, loaded, pick)
    if not typer.confirm("Inject these faults now?", default=False):
        raise typer.Exit(2)


def dry_run_plan(context: Context, loaded: Loaded) -> None:
    """Print the plan of a loaded scenario; nothing is started, stopped or changed."""
    from drillctl.engine.plan import build_plan, render_plan

    plan = build_plan(
        loaded.scenario,
        source=loaded.source,
        target=describe_target(context.settings),
        driver=context.settings.project.driver,
    )
    for line in render_plan(plan, context.redactor):
        context.console.print(line, markup=False, highlight=False, soft_wrap=True)


def describe_target(settings: Settings) -> str:
    project = settings.project
    name = project.name or (project.dir.name if project.dir else "(current directory)")
    files = ", ".join(str(f) for f in project.files) or "default compose file"
    where = f" in {project.dir}" if project.dir else ""
    return f"{project.driver} project {name}{where} ({files})"
