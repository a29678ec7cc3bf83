"""The history index: rebuild from run dirs, filters, export/import, previous runs and medians."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_helpers import NAMES, load, run_id_of

from drillctl.core.errors import DrillError
from drillctl.report import history
from drillctl.report.summary import summarize


@pytest.fixture
def db(tmp_path: Path, make_run: Callable[[str], Path]) -> Path:
    for name in NAMES:
        make_run(name)
    path = tmp_path / "state" / "history.sqlite"
    assert history.rebuild(path, tmp_path / "runs") == len(NAMES)
    return path


def test_index_run_records_the_durations(db: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "runs" / run_id_of("passed-unattended")
    record = history.index_run(db, run_dir)
    assert (record.scenario, record.operator, record.mode, record.result, record.exit_code) == (
        "bullmq-backpressure", "ci", "unattended", "passed", 0,
    )  # fmt: skip
    assert (record.target, record.driver) == ("ebit-lab", "compose")
    assert (record.detect_s, record.hypothesis_s, record.mitigate_s, record.recover_s) == (
        12.0,
        13.0,
        48.0,
        29.0,
    )
    assert [(a.name, a.latency_s) for a in record.alerts_fired] == [
        ("EbitApiDown", 30.0), ("BetSettledQueueBacklog", 45.0),
    ]  # fmt: skip
    assert record.jobs_lost == 0.0 and record.run_dir == str(run_dir)
    assert len(history.query(db, limit=None)) == len(
        NAMES
    )  # re-indexing replaces, never duplicates


def test_query_filters(db: Path) -> None:
    assert [r.scenario for r in history.query(db, operator="alice")] == ["ws-handshake-storm"]
    assert {r.result for r in history.query(db, result="passed")} == {"passed"}
    assert len(history.query(db, scenario="bullmq-backpressure")) == 3  # passed, not-steady, blind
    since = datetime(2026, 3, 6, tzinfo=UTC)
    assert [r.run_id for r in history.query(db, since=since)] == [
        run_id_of("blind"), run_id_of("not-steady"), run_id_of("revert-failed"),
    ]  # newest first  # fmt: skip
    assert len(history.query(db, limit=2)) == 2
    assert history.query(db, scenario="nope") == []


def test_export_import_round_trip(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "artefacts" / "history.jsonl"
    assert history.export(db, file) == len(NAMES)
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    assert all(line["schema"] == "drillctl.history/1" for line in lines)
    fresh = tmp_path / "fresh" / "history.sqlite"  # a CI job on a fresh clone
    assert history.import_(fresh, file) == len(NAMES)
    assert history.query(fresh, limit=None) == history.query(db, limit=None)
    assert history.import_(fresh, file) == len(NAMES)  # importing twice does not duplicate
    assert len(history.query(fresh, limit=None)) == len(NAMES)


def test_import_names_the_bad_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.jsonl"
    good = {"schema": "drillctl.history/1", "run_id": "a", "scenario": "s", "result": "passed"}
    file.write_text(json.dumps(good) + "\n{oops\n")
    with pytest.raises(DrillError, match=r"bad.jsonl:2: not a history record"):
        history.import_(tmp_path / "h.sqlite", file)


def test_import_ignores_fields_from_a_newer_drillctl(tmp_path: Path) -> None:
    file = tmp_path / "newer.jsonl"
    record = {
        "schema": "drillctl.history/1",
        "run_id": "r1",
        "scenario": "s",
        "result": "passed",
        "future": 1,
    }
    file.write_text(json.dumps(record) + "\n")
    assert history.import_(tmp_path / "h.sqlite", file) == 1


def _run(
    run_id: str, day: int, detect: float, alerts: list[tuple[str, float]], target: str = "ebit-lab"
) -> history.RunRecord:
    return history.RunRecord(
        run_id=run_id, scenario="bullmq-backpressure", result="passed", target=target,
        started_at=datetime(2026, 3, day, 2, 0, tzinfo=UTC), detect_s=detect, recover_s=detect * 2,
        alerts_fired=[history.AlertFired(name=n, latency_s=s) for n, s in alerts], jobs_lost=0.0,
    )  # fmt: skip


def test_previous_runs_and_their_medians(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    with history.connect(db) as conn:
        history.upsert(conn, [
            _run("n1", 1, 10.0, [("EbitApiDown", 30.0), ("BetSettledQueueBacklog", 40.0)]),
            _run("n2", 2, 12.0, [("EbitApiDown", 32.0), ("BetSettledQueueBacklog", 50.0)]),
            _run("n3", 3, 20.0, [("EbitApiDown", 31.0)]),
            _run("other", 3, 99.0, [], target="ebit-staging"),
            _run("n4", 4, 30.0, []),
        ])  # fmt: skip
    before = datetime(2026, 3, 4, tzinfo=UTC)
    runs = history.previous_runs(db, "bullmq-backpressure", "ebit-lab", limit=10, before=before)
    assert [r.run_id for r in runs] == ["n3", "n2", "n1"]
    base = history.baseline_of(runs)
    assert (
        base.runs == 3
        and base.durations["detect_s"] == 12.0
        and base.durations["recover_s"] == 24.0
    )
    assert base.durations["hypothesis_s"] is None
    assert base.alerts["EbitApiDown"].model_dump() == {
        "fired": 3,
        "runs": 3,
        "median_latency_s": 31.0,
    }
    assert (
        base.alerts["BetSettledQueueBacklog"].fired == 2
    )  # a regression check sees it stopped firing
    assert base.jobs_lost == 0.0
    latest_two = history.previous_runs(
        db, "bullmq-backpressure", "ebit-lab", limit=2, exclude_run_id="n4"
    )
    assert [r.run_id for r in latest_two] == ["n3", "n2"]


def test_an_index_from_an_older_drillctl_gains_the_new_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, scenario, result)")
        conn.execute("INSERT INTO runs VALUES ('old-1', 'bullmq-backpressure', 'passed')")
    conn.close()
    history.index_summary(db, summarize(load("failed")))
    assert {r.run_id for r in history.query(db)} == {"old-1", run_id_of("failed")}


def test_a_corrupt_index_says_how_to_fix_it(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DrillError, match="history rebuild"):
        history.query(db)


def test_rebuild_with_clear_drops_imported_rows(db: Path, tmp_path: Path) -> None:
    with history.connect(db) as conn:
        history.upsert(conn, [_run("imported", 1, 5.0, [])])
    assert history.rebuild(db, tmp_path / "runs", clear=True) == len(NAMES)
    assert "imported" not in {r.run_id for r in history.query(db, limit=None)}
