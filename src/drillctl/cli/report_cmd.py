"""``drillctl report RUN_ID``: print or save a run's report, judge its hypothesis, post it to Slack.

Parsing only; the reports are pure functions in ``drillctl.report``. The report files are always
(re)written into the run directory first, so a failed Slack post never loses them; that failure
prints Slack's code (never the webhook URL, which is a secret) and exits 1.
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
    from drillctl.context import Context
    from drillctl.report.archive import Written

WEBHOOK_TIMEOUT_S = 10.0


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
        from drillctl.report.archive import render
        from drillctl.report.runs import resolve_run

        run_dir = resolve_run(context.runs_dir, run_id)
        _refuse_hidden_blind_run(run_dir)
        if judge is not None:
            _record_verdict(context, run_dir, judge, by)
        written = _write(context, run_dir)
        _emit(render(format_.value, written.summary, written.links), output)
        url = None if no_post else (slack_webhook or context.settings.notify.slack_webhook)
        if url:
            _post(context, url, written)

    guarded(body)


def _rejudge(context: Context, run_id: str, pairs: list[str]) -> None:
    from drillctl.report.archive import load_events
    from drillctl.report.rejudge import parse_changes, rejudge, verdict_words
    from drillctl.report.runs import resolve_run

    changes = parse_changes(pairs)
    run_dir = resolve_run(context.runs_dir, run_id)
    matched, compared = rejudge(load_events(run_dir), changes)
    typer.echo(f"{run_dir.name}: {verdict_words(matched, compared)}")
    if not matched:
        raise typer.Exit(1)


def _refuse_hidden_blind_run(run_dir: Path) -> None:
    """A blind drill stays hidden from the responder until it ends: no report before that."""
    from drillctl.report.archive import load_events
    from drillctl.report.summary import summarize

    summary = summarize(load_events(run_dir))
    if summary.blind and summary.reveal is None and summary.at.ended is None:
        raise DrillError(
            "this blind drill is still running: its report appears when the scenario is revealed",
            hint="the game master follows it with `drillctl gm RUN_ID`",
        )


def _record_verdict(context: Context, run_dir: Path, judge: Judgement, by: str | None) -> None:
    if not by or not by.strip():
        raise DrillError("--judge needs --by NAME: a verdict is signed")
    matched = judge is Judgement.correct
    from drillctl.core.events import HypothesisVerdict
    from drillctl.core.journal import JOURNAL_NAME, Journal

    with Journal(run_dir / JOURNAL_NAME, clock=context.clock, redactor=context.redactor) as journal:
        journal.append(HypothesisVerdict(matched=matched, keywords_hit=[], by=by.strip()))


def _write(context: Context, run_dir: Path) -> Written:
    from drillctl.report.archive import write_reports
    from drillctl.report.history import index_summary

    sources = context.settings.sources
    written = write_reports(run_dir, grafana_public=sources.grafana_public_url or sources.grafana)
    try:
        index_summary(context.history_db, written.summary, run_dir)
    except DrillError as exc:  # the report matters more than the index, which can be rebuilt
        typer.echo(f"drillctl: warning: {exc}", err=True)
    return written


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DrillError(f"{output}: cannot write: {exc.strerror}") from exc


def _post(context: Context, url: str, written: Written) -> None:
    import httpx

    from drillctl.report.slack import post_to_webhook, slack_payload

    context.redactor.add(url)
    payload = slack_payload(written.summary, written.links)
    with httpx.Client(timeout=WEBHOOK_TIMEOUT_S) as client:
        result = post_to_webhook(url, payload, client, redactor=context.redactor)
    if result.ok:
        typer.echo("drillctl: posted the timeline to Slack", err=True)
        return
    typer.echo(
        f"drillctl: {result.message}; the timeline is in {written.paths.get('slack')}", err=True
    )
    raise typer.Exit(1)
