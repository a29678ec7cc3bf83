"""``drillctl suite [NAME|FILE ...] [--all] [--lab]``: several drills in a row, unattended (CI).

Every scenario is loaded and validated (with its ``--set`` values) before anything starts: a bad
file or override exits 2 with nothing injected. ``--set KEY=VALUE`` applies to every scenario;
``--set NAME:KEY=VALUE`` to the scenario NAME only. Then the work is ``drill.suite.run_suite``;
the reports (``junit.xml``, ``suite.json``, ``suite.slack.txt``) go to ``--report-dir`` (default
``<state dir>/suites/<suite id>/``, which also receives a copy of each run directory when given),
and to ``--junit`` / ``--json`` when given. Exit code: the worst run, 4 > 2 > 3 > 5 > 1 > 0; with
``--fail-on-regression`` a regression against the history turns 0 into 1.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from drillctl.cli._common import guarded
from drillctl.core.errors import ConfigError, ScenarioError
from drillctl.report.fmt import seconds
from drillctl.target.semantics import applies_to

if TYPE_CHECKING:  # the engine, scenarios and reports load when a suite runs, not at start-up
    from drillctl.commands.suite import SuiteOptions
    from drillctl.commands.suite_report import SuiteResult
    from drillctl.context import Context
    from drillctl.scenario.catalog import Catalog, Loaded
    from drillctl.scenario.overrides import Assignment


def register(app: typer.Typer) -> None:
    app.command("suite")(suite_cmd)


def suite_cmd(
    ctx: typer.Context,
    scenarios: Annotated[
        list[str] | None, typer.Argument(help="scenario names or YAML files, run in this order")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="every built-in and custom scenario")] = False,
    lab: Annotated[
        bool, typer.Option("--lab", help="bring the reference lab up first, down at the end")
    ] = False,
    swarm: Annotated[
        bool, typer.Option("--swarm", help="the lab as a swarm stack, drilled by the swarm driver")
    ] = False,
    junit: Annotated[Path | None, typer.Option("--junit", help="aggregated JUnit XML")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="JSON summary")] = None,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report-dir", help="the suite's reports and a copy of each run directory"),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="[NAME:]KEY=VALUE",
            help="a variable or field path for every scenario (NAME: for one); repeatable",
        ),
    ] = None,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="exit 1 on a regression against history")
    ] = False,
    tolerance: Annotated[
        list[str] | None,
        typer.Option(
            "--tolerance",
            metavar="[KEY=]PCT",
            help="how much slower than the median is a regression: 50% (default), detect=30%, "
            "recover=, alerts=, jobs_lost=, floor=5s, min_runs=1; repeatable",
        ),
    ] = None,
    slack_webhook: Annotated[
        str | None,
        typer.Option(
            "--slack-webhook",
            envvar="DRILLCTL_SLACK_WEBHOOK",
            help="post one suite summary to this Slack incoming webhook",
            show_default=False,
        ),
    ] = None,
    settle_timeout: Annotated[
        str, typer.Option("--settle-timeout", help="longest wait for the stack between drills")
    ] = "3m",
    max_duration: Annotated[
        str | None, typer.Option("--max-duration", help="cap on each drill after injection")
    ] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="recorded as operator")] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="no progress lines on stderr but each result")
    ] = False,
) -> None:
    """Run several drills one after another, unattended; one JUnit file, one JSON summary."""

    def body() -> None:
        from drillctl.commands.suite import copy_runs, lab_context, new_suite_id, run_suite
        from drillctl.commands.suite_report import write_suite_reports
        from drillctl.scenario.catalog import Catalog

        base: Context = on_driver(ctx.obj, "swarm") if swarm else ctx.obj
        stack = _lab(base, swarm) if lab else None
        context: Context = lab_context(base, stack) if stack else base
        cat = Catalog(context.settings.drill.scenarios_dir, context.settings.vars)
        driver = context.settings.project.driver
        loaded = load_all(cat, choose(cat, scenarios or [], all_, driver), set_ or [])
        options = _options(
            context, fail_on_regression, tolerance, settle_timeout, max_duration, operator
        )
        options = replace(options, quiet=quiet)
        webhook = slack_webhook or context.settings.notify.slack_webhook
        if webhook:
            context.redactor.add(webhook)
        suite_id = new_suite_id(context)
        out_dir = report_dir or context.state_dir / "suites" / suite_id
        result = run_suite(context, loaded, options, out_dir, lab=stack, suite_id=suite_id)
        if report_dir is not None:
            copy_runs(result, report_dir / "runs")
        paths = write_suite_reports(result, out_dir, junit=junit, json_file=json_file)
        _print(context, result, paths["junit"].parent)
        if webhook:
            _post(context, webhook, paths["slack"].read_text(encoding="utf-8"))
        if result.exit_code:
            raise typer.Exit(result.exit_code)

    guarded(body)


def choose(cat: Catalog, refs: list[str], all_: bool, driver: str = "compose") -> list[str]:
    if not refs and not all_:
        raise ConfigError("name the scenarios to run, or --all", hint="drillctl list")
    if not all_:
        return refs
    listing = cat.listing()
    if listing.problems:  # a broken team scenario is not silently left out of --all
        raise ScenarioError(listing.problems)
    chosen = [s.scenario.name for s in listing.scenarios if applies_to(s.scenario.tags, driver)]
    return chosen + [ref for ref in refs if ref not in chosen]


def load_all(cat: Catalog, refs: list[str], items: list[str]) -> list[Loaded]:
    """Load (and validate) every scenario with its --set values before anything runs."""
    common, scoped = split_sets(items)
    unknown = sorted(set(scoped) - {_short(ref) for ref in refs} - set(refs))
    if unknown:
        raise ConfigError(
            f"--set {unknown[0]}:...: {unknown[0]!r} is not one of the chosen "
            f"scenarios ({', '.join(refs)})"
        )
    return [
        cat.load(ref, common + scoped.get(ref, []) + scoped.get(_short(ref), [])) for ref in refs
    ]


def split_sets(items: list[str]) -> tuple[list[Assignment], dict[str, list[Assignment]]]:
    """``KEY=VALUE`` for every scenario; ``NAME:KEY=VALUE`` for the scenario NAME only."""
    from drillctl.scenario.overrides import parse_assignments

    common: list[str] = []
    scoped: dict[str, list[str]] = {}
    for item in items:
        key = item.partition("=")[0]
        if ":" in key:
            name, _, rest = item.partition(":")
            scoped.setdefault(name.strip(), []).append(rest)
        else:
            common.append(item)
    return parse_assignments(common), {n: parse_assignments(v) for n, v in scoped.items()}


def _short(ref: str) -> str:
    return Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref


def _options(
    context: Context,
    fail_on_regression: bool,
    tolerance: list[str] | None,
    settle_timeout: str,
    max_duration: str | None,
    operator: str | None,
) -> SuiteOptions:
    from drillctl.commands.regression import parse_tolerance
    from drillctl.commands.suite import SuiteOptions

    settings = context.settings.drill
    who = operator or settings.operator or os.environ.get("USER") or getpass.getuser()
    return SuiteOptions(
        operator=who,
        max_duration=_duration(max_duration or settings.max_duration, "--max-duration"),
        fail_on_regression=fail_on_regression,
        tolerance=parse_tolerance(tolerance or []),
        settle_timeout=_duration(settle_timeout, "--settle-timeout").total_seconds(),
    )


def _duration(text: str, option: str) -> timedelta:
    from drillctl.core.durations import parse_duration

    try:
        return parse_duration(text)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{option} {text!r}: {exc}") from exc


def _lab(context: Context, swarm: bool = False) -> Any:
    from drillctl.lab.stack import DEFAULT_PROJECT
    from drillctl.lab.swarm_stack import lab_for

    return lab_for(swarm, context.settings.project.name or DEFAULT_PROJECT)


def on_driver(context: Context, driver: str) -> Context:
    project = context.settings.project.model_copy(update={"driver": driver})
    return replace(context, settings=context.settings.model_copy(update={"project": project}))


def _print(context: Context, result: SuiteResult, out_dir: Path) -> None:
    lines = [""]
    for run in result.runs:
        d = run.summary.durations
        lines.append(
            f"  {run.name:<24} {run.summary.result:<13} exit {run.exit_code}  "
            f"detect {seconds(d.detect_s)}  recover {seconds(d.recover_s)}  {run.summary.run_id}"
        )
    lines += [f"  {name:<24} not run" for name in result.skipped]
    lines += [f"  regression: {r.scenario}: {r.message}" for r in result.regressions]
    if result.stopped:
        lines.append(f"  stopped: {result.stopped}")
    lab = f" (lab start {seconds(result.lab_seconds)})" if result.lab_seconds is not None else ""
    lines.append(
        f"suite {result.suite_id}: {result.result} (exit {result.exit_code}) in "
        f"{seconds(result.wall_s)}{lab}; reports in {out_dir}"
    )
    for line in lines:
        context.console.print(line, markup=False, highlight=False, soft_wrap=True)


def _post(context: Context, webhook: str, text: str) -> None:
    import httpx

    from drillctl.commands.suite_report import slack_payload
    from drillctl.report.slack_post import post_to_webhook

    with httpx.Client(timeout=10) as client:
        answer = post_to_webhook(webhook, slack_payload(text), client, redactor=context.redactor)
    if not answer.ok:
        context.console.print(f"warning: {answer.message}", markup=False, highlight=False)
