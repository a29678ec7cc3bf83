"""After the run: reports on disk, history indexed, Slack printed and posted; a refusing webhook
(HTTP 500) or a broken history file never loses the reports."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
from engine_fakes import rig, spike
from rich.console import Console

from drillctl.commands.finish import FinishOptions, finish_run
from drillctl.core.redact import Redactor
from drillctl.report.slack_post import post_to_webhook

WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"


def _finished_run(tmp_path: Path) -> Path:
    r = rig(tmp_path, spike(8, 30))
    asyncio.run(r.engine.run())
    r.journal.close()
    return r.journal.path.parent


def _post_answering(status: int, body: str) -> Any:
    def post(url: str, payload: dict[str, Any], client: httpx.Client, **kw: Any) -> Any:
        transport = httpx.MockTransport(lambda request: httpx.Response(status, text=body))
        with httpx.Client(transport=transport) as fake:
            return post_to_webhook(url, payload, fake, **kw)

    return post


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, color_system=None), out


def test_reports_history_and_slack(tmp_path: Path) -> None:
    run_dir = _finished_run(tmp_path)
    console, out = _console()
    options = FinishOptions(history_db=tmp_path / "history.sqlite", slack_webhook=WEBHOOK)
    done = finish_run(run_dir, options, console, Redactor(), post=_post_answering(200, "ok"))
    assert done.posted is True and not done.problems
    for name in ("report.json", "timeline.slack.txt", "timeline.md", "junit.xml"):
        assert (run_dir / name).is_file()
    assert (tmp_path / "history.sqlite").is_file()
    assert "*Chaos drill queue-drill (P2): PASSED*" in out.getvalue()


def test_slack_500_keeps_every_report_and_says_why(tmp_path: Path) -> None:
    run_dir = _finished_run(tmp_path)
    console, out = _console()
    options = FinishOptions(history_db=tmp_path / "history.sqlite", slack_webhook=WEBHOOK)
    done = finish_run(
        run_dir, options, console, Redactor(), post=_post_answering(500, "rollup_error")
    )
    assert done.posted is False
    assert (run_dir / "report.json").is_file() and (run_dir / "timeline.slack.txt").is_file()
    assert "Slack webhook refused the message: HTTP 500 rollup_error" in out.getvalue()
    assert "XXXXSECRET" not in out.getvalue()


def test_a_broken_history_file_is_a_warning(tmp_path: Path) -> None:
    run_dir = _finished_run(tmp_path)
    console, out = _console()
    db = tmp_path / "history.sqlite"
    db.mkdir()  # not a file: sqlite cannot open it
    done = finish_run(run_dir, FinishOptions(history_db=db), console, Redactor())
    assert (run_dir / "report.json").is_file()
    assert done.problems and "could not index the run" in out.getvalue()
