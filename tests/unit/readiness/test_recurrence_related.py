"""Recurrence as a drill searches it: the symptom's alerts, signals and metrics (anchors) decide
which runbooks and past runs are related, runbooks and runs are listed apart, each ranked, and
each says why it matched. Fixtures: the project's runbooks, and past runs whose report.json and
timeline.md are rendered from recorded lab journals (tests/fixtures/journals)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import RUNBOOKS, Invoke

from drillctl.readiness.recurrence import recall
from drillctl.readiness.recurrence_match import Anchor
from drillctl.report.archive import FILES, render, summarize_run
from drillctl.report.fmt import item_text

JOURNALS = Path(__file__).resolve().parents[2] / "fixtures" / "journals"
PAST = {
    "cache-partition": JOURNALS / "v020" / "20261207-160434-cache-partition-d76f",
    "postgres-latency": JOURNALS / "v020" / "20261207-160528-postgres-latency-0512",
    "bullmq-backpressure": JOURNALS / "v010" / "runs" / "20261207-140521-bullmq-backpressure-88f7",
}
GENERIC = "timeout connection error redis queue slow ebit-api"  # words every runbook has
PARTITION = (
    Anchor("alert", "ApiReadsFailing"),
    Anchor("signal", "reads_failing"),
    Anchor("metric", "smoke_requests_total"),
    Anchor("service", "ebit-api"),
)
LATENCY = (
    Anchor("alert", "ApiWriteLatencyHigh"),
    Anchor("signal", "write_latency"),
    Anchor("metric", "http_request_duration_seconds_sum"),
    Anchor("service", "ebit-api"),
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Past runs as a drill archives them: the journal and the reports rendered from it."""
    folder = tmp_path_factory.mktemp("state") / "runs"
    for recorded in PAST.values():
        run = folder / recorded.name
        run.mkdir(parents=True)
        shutil.copy(recorded / "journal.jsonl", run / "journal.jsonl")
        summary = summarize_run(run)
        for fmt in ("json", "markdown"):  # what the index reads (no chart: it takes seconds)
            (run / FILES[fmt]).write_text(render(fmt, summary), encoding="utf-8")
    return folder


def _names(paths: list[str]) -> list[str]:
    return [
        Path(p).stem if p.endswith(".md") else p.split("-", 2)[2].rsplit("-", 1)[0] for p in paths
    ]


def test_only_runbooks_naming_the_symptom_match_not_those_sharing_generic_words(
    runs: Path, tmp_path: Path
) -> None:
    found = recall(GENERIC, RUNBOOKS, tmp_path / "h.sqlite", 5, anchors=LATENCY, runs_dir=runs)
    assert _names([m.path_or_run for m in found.runbooks]) == ["postgres-latency"]
    assert _names([m.path_or_run for m in found.runs]) == ["postgres-latency"]
    everything = recall(GENERIC, RUNBOOKS, tmp_path / "h.sqlite", 9, runs_dir=runs)
    assert len(everything.runbooks) > 3  # without anchors, the generic words match them all


def test_runbooks_and_runs_are_ranked_apart_and_say_why(runs: Path, tmp_path: Path) -> None:
    found = recall(GENERIC, RUNBOOKS, tmp_path / "h.sqlite", 5, anchors=PARTITION, runs_dir=runs)
    (runbook,) = found.runbooks
    (run,) = found.runs
    assert (runbook.kind, runbook.rank, run.kind, run.rank) == ("runbook", 1, "run", 1)
    assert runbook.why[:3] == (
        "alert ApiReadsFailing",
        "signal reads_failing",
        "metric smoke_requests_total",
    )
    assert "service ebit-api" in runbook.why
    assert run.path_or_run == PAST["cache-partition"].name
    assert run.title.startswith("run 20261207-160434-cache-partition-d76f: Cache partition")
    assert run.why[0] == "alert ApiReadsFailing" and run.why[-1].startswith("words: ")


def test_more_anchors_named_rank_first(runs: Path, tmp_path: Path) -> None:
    queue = (
        Anchor("alert", "BetSettledQueueBacklog"),
        Anchor("alert", "EbitApiDown"),
        Anchor("signal", "queue_waiting"),
        Anchor("metric", "bullmq_queue_jobs"),
    )
    found = recall(GENERIC, RUNBOOKS, tmp_path / "h.sqlite", 5, anchors=queue, runs_dir=runs)
    first = found.runbooks[0]
    assert Path(first.path_or_run).stem == "bullmq-backpressure", found.runbooks
    assert [m.rank for m in found.runbooks] == list(range(1, len(found.runbooks) + 1))
    named = [sum(not w.startswith(("service", "words")) for w in m.why) for m in found.runbooks]
    assert named == sorted(named, reverse=True)


def test_a_service_alone_is_no_anchor_only_a_word(runs: Path, tmp_path: Path) -> None:
    """Every runbook of the stack names ebit-api: a service never makes a document related."""
    only = (Anchor("service", "ebit-api"),)
    found = recall("ebit-api", RUNBOOKS, tmp_path / "h.sqlite", 9, anchors=only, runs_dir=runs)
    assert len(found.runbooks) > 3
    assert not [w for m in found.all() for w in m.why if not w.startswith("words: ")]


def test_the_reports_write_each_match_on_one_ranked_line() -> None:
    item = {
        "rank": 2,
        "path": "runbooks/cache-partition.md",
        "title": "Cache partition",
        "why": ["alert ApiReadsFailing", "words: timeout"],
        "passage": "…",
        "score": 3.2,
    }
    assert item_text(item) == (
        "2. Cache partition (runbooks/cache-partition.md): "
        "matched alert ApiReadsFailing; words: timeout"
    )
    run = {"rank": 1, "run": "r0", "title": "run r0: Cache partition · passed", "why": []}
    assert item_text(run) == "1. run r0: Cache partition · passed: matched its words"
    assert (
        item_text({"path": "runbooks/x.md", "passage": "old"}) == "path=runbooks/x.md, passage=old"
    )


def test_cli_lists_runbooks_and_past_runs_apart_with_why(cli: Invoke) -> None:
    result = cli("recurrence", "reads time out", "--alert", "ApiReadsFailing", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "runbooks" and lines[1].startswith("1. Cache partition")
    assert lines[3].startswith("   why: alert ApiReadsFailing")
    assert lines[-2:] == ["past runs", "   no past run matches"]
