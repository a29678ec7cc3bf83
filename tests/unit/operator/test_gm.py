"""The game master: typed commands, the view of the journal, and `drillctl gm` one-shot actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.core.clock import FakeClock
from drillctl.core.errors import ConfigError
from drillctl.core.journal import Journal
from drillctl.operator.gm import HELP, QUIT, GmView, action, briefing, parse_command
from drillctl.operator.gm_channel import GM_NAME, GmAction

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_typed_lines_become_signed_actions() -> None:
    hint = parse_command("hint what consumes the queue?", "lead", NOW)
    assert isinstance(hint, GmAction) and (hint.kind, hint.text, hint.by) == (
        "hint",
        "what consumes the queue?",
        "lead",
    )
    extend = parse_command("e 2m", "lead", NOW)
    assert isinstance(extend, GmAction) and extend.seconds == 120
    end = parse_command("end", "lead", NOW)
    assert isinstance(end, GmAction) and end.kind == "end-fault"
    verdict = parse_command("verdict incorrect", "lead", NOW)
    assert isinstance(verdict, GmAction) and verdict.verdict == "incorrect"
    assert parse_command("q", "lead", NOW) == QUIT
    assert parse_command("", "lead", NOW) is None
    assert parse_command("dance", "lead", NOW) == HELP
    assert "--by" in str(parse_command("hint x", None, NOW))
    assert "correct|incorrect" in str(parse_command("verdict maybe", "lead", NOW))
    assert "duration" in str(parse_command("extend soon", "lead", NOW))


def test_actions_need_a_name_and_an_argument() -> None:
    with pytest.raises(ConfigError):
        action("hint", "text", " ", NOW)
    with pytest.raises(ConfigError):
        action("debrief", "", "lead", NOW)
    with pytest.raises(ConfigError):
        action("extend", "0s", "lead", NOW)


def test_the_view_shows_responder_keys_signals_and_the_end(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl", clock=FakeClock())
    events = [
        journal.append("baseline", signal="queue_waiting", centre=2.0, unit="jobs"),
        journal.append("sample", signal="queue_waiting", value=250.0),
        journal.append("symptom", signal="queue_waiting", value=250.0),
        journal.append("responder.hypothesis", text="ebit-api is down"),
        journal.append("gm.hint", text="look", by="lead"),
        journal.append("run.ended", exit_code=0, result="passed"),
    ]
    view = GmView()
    lines = [line for line in map(view.describe, events) if line]
    text = "\n".join(lines)
    assert "baseline queue_waiting: 2 jobs" in text
    assert "SYMPTOM queue_waiting: 250 (baseline 2)" in text
    assert "RESPONDER hypothesis: ebit-api is down" in text
    assert "game master lead hint look" in text and "drill ended: passed" in text
    assert view.ended and view.signal_lines() == ["  queue_waiting: 250 (baseline 2) SYMPTOM"]


def test_briefing_shows_the_hidden_scenario() -> None:
    lines = briefing({"scenario": "x", "root_cause": "y", "candidates": ["x", "z"], "plan": ["p"]})
    assert "hidden scenario: x" in lines[0] and "  | p" in lines
    assert "not a blind drill" in briefing(None)[0]


def _run_dir(state: Path, ended: bool) -> Path:
    run_dir = state / "runs" / "20260105-090000-blind-ab12"
    journal = Journal(run_dir / "journal.jsonl", clock=FakeClock())
    journal.append("run.started", run_id=run_dir.name, blind=True)
    if ended:
        journal.append("run.ended", exit_code=0, result="passed")
    journal.close()
    return run_dir


def test_one_shot_actions_go_to_gm_jsonl_signed(tmp_path: Path) -> None:
    run_dir = _run_dir(tmp_path, ended=False)
    argv = ["--state-dir", str(tmp_path), "gm", "latest", "--by", "lead"]
    result = CliRunner().invoke(app, [*argv, "--hint", "look at the queue", "--extend", "30s"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (run_dir / GM_NAME).read_text().splitlines()]
    assert [(x["kind"], x["by"]) for x in lines] == [("hint", "lead"), ("extend", "lead")]
    assert lines[1]["seconds"] == 30
    journal = (run_dir / "journal.jsonl").read_text()
    assert "gm." not in journal  # the game master never writes the journal


def test_unsigned_or_late_actions_are_refused(tmp_path: Path) -> None:
    _run_dir(tmp_path, ended=True)
    base = ["--state-dir", str(tmp_path), "gm", "latest"]
    unsigned = CliRunner().invoke(app, [*base, "--hint", "x"])
    assert unsigned.exit_code == 2 and "--by" in unsigned.output
    late = CliRunner().invoke(app, [*base, "--by", "lead", "--verdict", "correct"])
    assert late.exit_code != 0 and "--judge" in late.output
