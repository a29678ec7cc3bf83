"""write_reports(): every report file lands in the run directory, rewritten from the journal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from report_helpers import NAMES

from drillctl.core.errors import DrillError
from drillctl.core.journal import Journal
from drillctl.report.archive import FILES, render, write_reports


@pytest.mark.parametrize("name", NAMES)
def test_every_file_is_written(name: str, make_run: Callable[[str], Path]) -> None:
    run_dir = make_run(name)
    written = write_reports(run_dir)
    assert set(written.paths) == set(FILES)
    for fmt, file_name in FILES.items():
        assert (run_dir / file_name).is_file(), fmt
    assert not list(run_dir.glob(".*.tmp*"))  # no temporary file left behind
    assert json.loads((run_dir / "report.json").read_text())["run_id"] == run_dir.name


def test_rewriting_picks_up_new_journal_events(make_run: Callable[[str], Path]) -> None:
    run_dir = make_run("interactive")
    write_reports(run_dir)
    with Journal(run_dir / "journal.jsonl") as journal:
        journal.append("hypothesis.verdict", matched=True, keywords_hit=[], by="bob")
    write_reports(run_dir)
    report = json.loads((run_dir / "report.json").read_text())
    assert report["verdict"]["by"] == "bob" and report["verdict"]["matched"] is True
    assert "(verdict by bob)" in (run_dir / "timeline.slack.txt").read_text()


def test_links_from_settings_reach_every_report(make_run: Callable[[str], Path]) -> None:
    run_dir = make_run("passed-unattended")
    written = write_reports(
        run_dir, grafana_public="https://grafana.example", dashboard_uids={"perf-system": "ps1"}
    )
    assert list(written.links) == ["perf-system"]
    assert (
        "https://grafana.example/d/ps1/perf-system?orgId=1&from="
        in (run_dir / "timeline.md").read_text()
    )


def test_a_directory_without_journal_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DrillError, match=r"no journal\.jsonl"):
        write_reports(tmp_path)


def test_unknown_format_is_refused(make_run: Callable[[str], Path]) -> None:
    written = write_reports(make_run("failed"))
    with pytest.raises(DrillError, match="unknown report format"):
        render("pdf", written.summary)
