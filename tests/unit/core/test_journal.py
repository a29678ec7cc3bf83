from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from drillctl.core.clock import FakeClock
from drillctl.core.events import SCHEMA_VERSION, RunStarted
from drillctl.core.journal import Journal, read_events, read_journal
from drillctl.core.redact import MASK, Redactor

START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def test_events_carry_sequence_both_clocks_type_and_data(tmp_path: Path) -> None:
    clock = FakeClock(START)
    path = tmp_path / "run" / "journal.jsonl"  # the run folder is created
    with Journal(path, clock=clock) as journal:
        first = journal.append("phase", phase="baseline")
        clock.advance(2.5)
        second = journal.append("phase", phase="inject")
    events = read_events(path)
    assert [e.seq for e in events] == [1, 2]
    assert [e.data["phase"] for e in events] == ["baseline", "inject"]
    assert events[0].ts == START
    assert events[1].ts == datetime(2026, 1, 1, 12, 0, 2, 500000, tzinfo=UTC)
    assert events[1].mono - events[0].mono == 2.5
    assert (first.seq, second.seq) == (1, 2)


def test_each_line_is_json_with_a_utc_timestamp(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, clock=FakeClock(START)) as journal:
        journal.append("responder.note", text="café")
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert set(line) == {"seq", "ts", "mono", "type", "data"}
    assert line["ts"].startswith("2026-01-01T12:00:00") and line["ts"].endswith("Z")


def test_an_append_is_on_disk_before_append_returns(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path, clock=FakeClock())
    journal.append("fault.inject-started", fault=0, undo={"service": "ebit-api"})
    # another process (recover) reads it while the writer is still open
    assert [e.type for e in read_events(path)] == ["fault.inject-started"]
    journal.close()


def test_data_is_redacted_before_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    redactor = Redactor(["s3cr3t-token"])
    with Journal(path, clock=FakeClock(), redactor=redactor) as journal:
        journal.append(
            "fault.injected",
            fault=0,
            id="flush",
            result={
                "argv": ["redis-cli", "-a", "cache", "FLUSHDB"],
                "note": "token s3cr3t-token used",
                "env": {"ADMIN_DEFAULT_PASSWORD": "wrong"},
            },
        )
    text = path.read_text(encoding="utf-8")
    assert "s3cr3t-token" not in text and "cache" not in text and "wrong" not in text
    data = read_events(path)[0].data["result"]
    assert data["argv"] == ["redis-cli", "-a", MASK, "FLUSHDB"]
    assert data["note"] == f"token {MASK} used"
    assert data["env"] == {"ADMIN_DEFAULT_PASSWORD": MASK}


def test_reopening_continues_the_sequence(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, clock=FakeClock()) as journal:
        journal.append("run.started")
        journal.append("phase", phase="preflight")
    with Journal(path, clock=FakeClock()) as journal:  # `drillctl recover` appends to it
        journal.append("fault.revert-started", fault=0, by="recover")
    assert [e.seq for e in read_events(path)] == [1, 2, 3]


def test_a_torn_last_line_is_skipped_and_the_next_append_is_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, clock=FakeClock()) as journal:
        journal.append("run.started")
        journal.append("fault.inject-started", fault=0)
    with path.open("a", encoding="utf-8") as handle:  # hard kill in the middle of a write
        handle.write('{"seq": 3, "ts": "2026-01-01T12:0')
    assert [e.type for e in read_events(path)] == ["run.started", "fault.inject-started"]
    assert read_journal(path).unreadable == 1  # the torn line is counted, not silently lost
    with Journal(path, clock=FakeClock()) as journal:
        journal.append("fault.reverted", fault=0)
    events = read_events(path)
    assert [e.type for e in events] == ["run.started", "fault.inject-started", "fault.reverted"]
    assert events[-1].seq == 3


def test_a_write_torn_inside_a_multibyte_character_does_not_stop_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, clock=FakeClock()) as journal:
        journal.append("run.started")
    torn = '{"seq": 2, "type": "responder.note", "data": {"text": "caf\u00e9'.encode()[:-1]
    with path.open("ab") as handle:
        handle.write(torn)
    assert [e.type for e in read_events(path)] == ["run.started"]


def test_blank_lines_and_garbage_lines_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, clock=FakeClock()) as journal:
        journal.append("run.started")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n   \nnot json\n[1, 2]\n")
    assert [e.type for e in read_events(path)] == ["run.started"]


def test_run_started_carries_the_schema_version_and_a_010_journal_reads_as_version_1(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, clock=FakeClock()) as journal:
        journal.append(RunStarted(run_id="r1", scenario={"name": "s"}))
    assert json.loads(path.read_text())["data"]["schema_version"] == SCHEMA_VERSION == 2
    old = tmp_path / "old.jsonl"
    line = {"seq": 1, "ts": "2026-01-01T12:00:00Z", "mono": 1.0, "type": "run.started"}
    old.write_text(json.dumps(line | {"data": {"run_id": "r0", "mode": "unattended"}}) + "\n")
    [started] = read_events(old)
    assert isinstance(started, RunStarted)
    assert (started.schema_version, started.run_id, started.mode) == (1, "r0", "unattended")
