"""After the run: the reports into the run directory, the history index, the Slack timeline.

Each step is independent: a failure in one is printed and the next still runs, so a Slack webhook
answering 500 (or a broken history file) never loses the reports already written on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console

from drillctl.core.redact import Redactor
from drillctl.report.archive import Written, write_reports
from drillctl.report.history import index_summary
from drillctl.report.slack import slack_payload
from drillctl.report.slack_post import post_to_webhook


@dataclass
class Finished:
    written: Written | None = None
    slack_text: str | None = None
    posted: bool | None = None  # None: no webhook configured
    problems: list[str] = field(default_factory=list)


@dataclass
class FinishOptions:
    history_db: Path
    slack_webhook: str | None = None
    grafana_public: str | None = None
    print_timeline: bool = True


def finish_run(
    run_dir: Path,
    options: FinishOptions,
    console: Console,
    redactor: Redactor,
    post: Callable[..., object] = post_to_webhook,
) -> Finished:
    done = Finished()
    try:
        done.written = write_reports(run_dir, grafana_public=options.grafana_public)
    except Exception as exc:  # the journal is still there: `drillctl report` can retry
        done.problems.append(f"could not write the reports: {exc}")
        return done
    _index(done, options.history_db, run_dir)
    done.slack_text = done.written.paths["slack"].read_text(encoding="utf-8")
    if options.print_timeline:
        console.print(
            redactor.redact(done.slack_text), markup=False, highlight=False, soft_wrap=True
        )
    if options.slack_webhook:
        _post(done, options.slack_webhook, redactor, post)
    for problem in done.problems:
        console.print(f"warning: {redactor.redact(problem)}", markup=False, highlight=False)
    return done


def _index(done: Finished, db: Path, run_dir: Path) -> None:
    assert done.written is not None
    try:
        index_summary(db, done.written.summary, run_dir)
    except Exception as exc:  # history is a convenience; the run directory is the record
        done.problems.append(f"could not index the run in {db}: {exc}")


def _post(done: Finished, url: str, redactor: Redactor, post: Callable[..., object]) -> None:
    assert done.written is not None
    payload = slack_payload(done.written.summary, done.written.links)
    with httpx.Client(timeout=10) as client:
        result = post(url, payload, client, redactor=redactor)
    done.posted = bool(getattr(result, "ok", False))
    if not done.posted:
        done.problems.append(str(getattr(result, "message", "Slack refused the message")))
