"""``drillctl report RUN_ID``: a run's reports, rewritten from its journal, as a result object.

``report(context=..., run_id=..., verdict=..., by=...)`` resolves the run, records a team lead's
verdict when given, rewrites every report file in the run directory and indexes the run; it
returns a ``RunReport`` whose ``text(format)`` the CLI prints. ``--format json`` is the
``report.json`` envelope itself (``{"schema_version": 1, "kind": "drillctl.drill-report", ...}``,
defined in ``drillctl.report.json_report``). ``post_to_slack`` and ``rejudge`` are the other two
jobs of the verb. The report stack (charts, Slack, httpx) loads when a function runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drillctl.core.errors import DrillError

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.report.archive import Written
    from drillctl.report.slack_post import WebhookResult

WEBHOOK_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class RunReport:
    run_dir: Path
    written: Written  # the summary, the dashboard links and the files written
    warnings: list[str] = field(default_factory=list)  # e.g. the history index could not be updated

    def text(self, fmt: str) -> str:
        """The report as ``slack``, ``markdown``, ``json`` or ``junit`` text."""
        from drillctl.report.archive import render

        return render(fmt, self.written.summary, self.written.links)

    def as_json(self) -> dict[str, Any]:
        from drillctl.report.json_report import build_report

        return build_report(self.written.summary, self.written.links)


@dataclass(frozen=True)
class Rejudged:
    run_id: str
    matched: bool
    words: str  # the verdict and each compared field, for the terminal


def report(
    *, context: Context, run_id: str, verdict: bool | None = None, by: str | None = None
) -> RunReport:
    """Rewrite a run's reports (after recording ``verdict`` on its hypothesis, signed ``by``)."""
    from drillctl.report.runs import resolve_run

    run_dir = resolve_run(context.runs_dir, run_id)
    _refuse_hidden_blind_run(run_dir)
    if verdict is not None:
        _record_verdict(context, run_dir, verdict, by)
    return _write(context, run_dir)


def post_to_slack(*, context: Context, found: RunReport, url: str) -> WebhookResult:
    """Post the Slack timeline to an incoming webhook (whose URL is a secret: redacted)."""
    import httpx

    from drillctl.report.slack import post_to_webhook, slack_payload

    context.redactor.add(url)
    payload = slack_payload(found.written.summary, found.written.links)
    with httpx.Client(timeout=WEBHOOK_TIMEOUT_S) as client:
        return post_to_webhook(url, payload, client, redactor=context.redactor)


def rejudge(*, context: Context, run_id: str, changes: list[str]) -> Rejudged:
    """The run's hypothesis judged again against its root cause with ``FIELD=VALUE`` changed."""
    from drillctl.report.archive import load_events
    from drillctl.report.rejudge import parse_changes, verdict_words
    from drillctl.report.rejudge import rejudge as judge_again
    from drillctl.report.runs import resolve_run

    parsed = parse_changes(changes)
    run_dir = resolve_run(context.runs_dir, run_id)
    matched, compared = judge_again(load_events(run_dir), parsed)
    return Rejudged(run_dir.name, matched, verdict_words(matched, compared))


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


def _record_verdict(context: Context, run_dir: Path, matched: bool, by: str | None) -> None:
    if not by or not by.strip():
        raise DrillError("--judge needs --by NAME: a verdict is signed")
    from drillctl.core.events import HypothesisVerdict
    from drillctl.core.journal import JOURNAL_NAME, Journal

    with Journal(run_dir / JOURNAL_NAME, clock=context.clock, redactor=context.redactor) as journal:
        journal.append(HypothesisVerdict(matched=matched, keywords_hit=[], by=by.strip()))


def _write(context: Context, run_dir: Path) -> RunReport:
    from drillctl.report.archive import write_reports
    from drillctl.report.history import index_summary

    sources = context.settings.sources
    written = write_reports(run_dir, grafana_public=sources.grafana_public_url or sources.grafana)
    try:
        index_summary(context.history_db, written.summary, run_dir)
    except DrillError as exc:  # the report matters more than the index, which can be rebuilt
        return RunReport(run_dir, written, [str(exc)])
    return RunReport(run_dir, written)
