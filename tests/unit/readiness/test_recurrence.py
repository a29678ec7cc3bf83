from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import RUNBOOKS, Invoke

from drillctl.readiness.recurrence import fts_query, search
from drillctl.scenario.catalog import Catalog

SEEDS = Catalog(None).listing().scenarios


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RUNBOOKS, tmp_path / "runbooks"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "history.sqlite"


def _first(text: str, folder: Path, db: Path) -> str:
    return Path(search(text, folder, db, 3)[0].path_or_run).stem


@pytest.mark.parametrize("loaded", SEEDS, ids=lambda s: s.scenario.name)
def test_each_seed_scenario_symptom_finds_its_runbook_first(loaded, db: Path) -> None:
    scenario = loaded.scenario
    assert _first(scenario.description, RUNBOOKS, db) == scenario.name
    assert _first(scenario.title, RUNBOOKS, db) == scenario.name
    alerts = " ".join(a.name for a in scenario.expect.alerts)
    if alerts:  # replica-loss expects no alert: a lost replica is not a page
        assert _first(alerts, RUNBOOKS, db) == scenario.name


@pytest.mark.parametrize(
    ("what_the_responder_sees", "runbook"),
    [
        (
            "waiting jobs accumulate in bet_settled_queue while the consumer is down",
            "bullmq-backpressure",
        ),
        ("API latency spike after a FLUSHDB, jobs lost", "redis-cache-flush"),
        (
            "accepted vs throttled handshakes, 200 socket.io clients in a tight loop",
            "ws-handshake-storm",
        ),
        ("admins cannot log in after the deploy", "signin-failure-spike"),
    ],
)
def test_the_design_symptoms_find_the_right_runbook(
    what_the_responder_sees: str, runbook: str, db: Path
) -> None:
    assert _first(what_the_responder_sees, RUNBOOKS, db) == runbook


def test_a_match_carries_title_score_and_the_matching_passage(db: Path) -> None:
    best, *rest = search("FLUSHDB", RUNBOOKS, db, 5)
    assert (best.kind, best.title) == (
        "runbook",
        "Redis cache flush: cold cache and lost queue jobs",
    )
    assert best.path_or_run == str(RUNBOOKS / "redis-cache-flush.md")
    assert "**FLUSHDB**" in best.snippet and "\n" not in best.snippet
    assert best.score > 0 and all(best.score >= m.score for m in rest)


def test_words_that_are_not_searchable_give_no_match(db: Path) -> None:
    assert fts_query('the "a" - OR ) (') == ""
    assert search("the and of", RUNBOOKS, db) == []
    assert fts_query("bet_settled_queue NEAR(x)") == '"bet" OR "settled" OR "queue" OR "near"'


def test_a_changed_runbook_is_reindexed_and_a_removed_one_forgotten(folder: Path, db: Path) -> None:
    assert search("zebrafish", folder, db) == []
    target = folder / "ws-handshake-storm.md"
    target.write_text(target.read_text() + "\nA zebrafish tank on the gateway.\n")
    os.utime(target, ns=(1, target.stat().st_mtime_ns + 10_000_000))
    assert [Path(m.path_or_run).name for m in search("zebrafish", folder, db)] == [
        "ws-handshake-storm.md"
    ]
    target.unlink()
    assert search("zebrafish", folder, db) == []
    with sqlite3.connect(db) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM recurrence_files")]
    assert len(keys) == len(SEEDS) - 1 and not any("ws-handshake-storm" in k for k in keys)


def test_unchanged_files_are_not_reread(folder: Path, db: Path) -> None:
    search("queue", folder, db)
    with sqlite3.connect(db) as conn:
        tamper = "UPDATE recurrence_docs SET body = 'tampered marker' WHERE ref LIKE ?"
        conn.execute(tamper, ("%redis-cache-flush.md",))
    assert [Path(m.path_or_run).stem for m in search("tampered marker", folder, db)] == [
        "redis-cache-flush"
    ]


def _archive_run(runs: Path, run_id: str, title: str, timeline: str) -> None:
    run = runs / run_id
    run.mkdir(parents=True)
    report = {
        "schema_version": 1,
        "mode": "interactive",
        "result": "passed",
        "scenario": {"title": title},
    }
    (run / "report.json").write_text(json.dumps(report))
    (run / "timeline.md").write_text(timeline)


def test_past_drill_reports_are_searched_too(db: Path) -> None:
    runs = db.parent / "runs"
    timeline = "# Timeline\n\n## Events\n\n14:02 hypothesis: the mango importer saturated the queue"
    _archive_run(runs, "20260301-mango", "Mango import backlog", timeline)
    (match,) = search("mango importer", RUNBOOKS, db)
    assert (match.kind, match.path_or_run) == ("run", "20260301-mango")
    assert match.title == "run 20260301-mango: Mango import backlog · passed"
    assert match.snippet == "interactive passed **Mango** **import** backlog"  # report.json
    timeline_match = search("mango saturated", RUNBOOKS, db)[0]
    assert "the **mango** importer **saturated** the queue" in timeline_match.snippet


def test_cli_shows_the_passage_and_json(cli: Invoke, context) -> None:
    text = cli("recurrence", "handshake throttled", "--limit", "1")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == "runbooks"
    assert lines[1].startswith(
        "1. WebSocket handshake storm: socket.io throttler rejecting  score "
    )
    assert lines[2] == f"   runbook {RUNBOOKS / 'ws-handshake-storm.md'}"
    assert lines[3] == "   why: words: throttled, handshakes" and "handshake" in lines[4]
    body = json.loads(cli("recurrence", "handshake throttled", "--format", "json").output)
    assert body["schema_version"] == 1 and body["query"] == "handshake throttled"
    assert body["kind"] == "drillctl.recurrence"
    assert body["matches"][0]["kind"] == "runbook" and "**" in body["matches"][0]["snippet"]
    assert body["runbooks"][0]["rank"] == 1 and body["runs"] == []
    assert context.history_db.is_file()


def test_cli_without_a_match(cli: Invoke) -> None:
    result = cli("recurrence", "zzzqqq")
    assert (result.exit_code, result.output) == (0, "no runbook or past drill matches\n")


def test_a_past_run_is_quoted_as_its_reader_saw_it_not_as_markdown_source(db: Path) -> None:
    """timeline.md writes '>' as '&gt;'; a quoted passage (pasted into Slack) shows '>'."""
    timeline = "# Timeline\n\n## Events\n\n14:02 papaya_depth moved: 1 -&gt; 0 (&gt;= baseline +20)"
    _archive_run(db.parent / "runs", "20260301-papaya", "Papaya backlog", timeline)
    match = search("papaya_depth moved", RUNBOOKS, db)[0]
    assert "1 -> 0 (>= baseline +20)" in match.snippet and "&gt;" not in match.snippet
