"""``drillctl report RUN_ID``: print or save a run's report, judge its hypothesis, post it to Slack.

Parsing and printing only; the work is in ``drillctl.commands.report`` (the reports themselves
are pure functions in ``drillctl.report``); ``--format json`` prints the ``report.json`` envelope.
The report files are always (re)written into the run directory first, so a failed Slack post
never loses them; that failure prints Slack's code (never the webhook URL, a secret) and exits 1.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drillctl.cli._common import guarded
from drillctl.core.errors import DrillError

# The report stack (charts, history, Slack) is imported by the function that uses it, so that
# `drillctl --help` and the other verbs start without it.
if TYPE_CHECKING:
    from drillctl.commands.report import RunReport
    from drillctl.context import Context


class Format(StrEnum):
    slack = "slack"
    markdown = "markdown"
    json = "json"
    junit = "junit"


class Judgement(StrEnum):
    correct = "correct"
    incorrect = "incorrect"


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)


def report_cmd(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="run id, a unique prefix of it, or 'latest'")],
    format_: Annotated[Format, typer.Option("--format", "-F", help="what to print")] = Format.slack,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the report to FILE, not stdout")
    ] = None,
    slack_webhook: Annotated[
        str | None,
        typer.Option(
            "--slack-webhook",
            metavar="URL",
            help="post the Slack timeline to this incoming webhook "
            "(default: DRILLCTL_NOTIFY_SLACK_WEBHOOK or notify.slack_webhook)",
        ),
    ] = None,
    no_post: Annotated[
        bool, typer.Option("--no-post", help="do not post even if a webhook is set")
    ] = False,
    judge: Annotated[
        Judgement | None,
        typer.Option("--judge", help="record a team lead's verdict on the hypothesis"),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="NAME", help="who judges (with --judge)")
    ] = None,
    judge_root_cause: Annotated[
        list[str] | None,
        typer.Option(
            "--judge-root-cause",
            metavar="FIELD=VALUE",
            help="judge the run's hypothesis again from its journal against the root cause with "
            "FIELD (service, kind, signals, keywords) changed; prints the verdict, records "
            "nothing, exits 1 on a mismatch",
        ),
    ] = None,
) -> None:
    """Print a run's report; the files in its run directory are rewritten from the journal."""
    context: Context = ctx.obj
    if judge_root_cause:
        guarded(lambda: _rejudge(context, run_id, judge_root_cause))
        return

    def body() -> None:
        from drillctl.commands.report import report

        verdict = None if judge is None else judge is Judgement.correct
        found = report(context=context, run_id=run_id, verdict=verdict, by=by)
        for warning in found.warnings:
            typer.echo(f"drillctl: warning: {warning}", err=True)
        _emit(found.text(format_.value), output)
        url = None if no_post else (slack_webhook or context.settings.notify.slack_webhook)
        if url:
            _post(context, url, found)

    guarded(body)


def _rejudge(context: Context, run_id: str, pairs: list[str]) -> None:
    from drillctl.commands.report import rejudge

    found = rejudge(context=context, run_id=run_id, changes=pairs)
    typer.echo(f"{found.run_id}: {found.words}")
    if not found.matched:
        raise typer.Exit(1)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DrillError(f"{output}: cannot write: {exc.strerror}") from exc


def _post(context: Context, url: str, found: RunReport) -> None:
    from drillctl.commands.report import post_to_slack

    result = post_to_slack(context=context, found=found, url=url)
    if result.ok:
        typer.echo("drillctl: posted the timeline to Slack", err=True)
        return
    where = found.written.paths.get("slack")
    typer.echo(f"drillctl: {result.message}; the timeline is in {where}", err=True)
    raise typer.Exit(1)
