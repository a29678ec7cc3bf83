"""Frozen drillctl 0.1.0 runs (tests/fixtures/journals/v010, never regenerated) still load and give
the figures 0.1.0 gave: every `report` format is compared with what 0.1.0 printed for the run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from state_dirs import own_project
from typer.testing import CliRunner, Result

from drillctl.cli.app import app
from drillctl.core.errors import EXIT_CODES
from drillctl.core.events import RunResult, RunStarted
from drillctl.core.journal import read_journal

V010 = Path(__file__).resolve().parents[2] / "fixtures" / "journals" / "v010"
RUNS = sorted(p.name for p in (V010 / "runs").iterdir())
JOURNALS = sorted(V010.glob("*/*/journal.jsonl"))
FIGURES = ("run_id", "scenario", "result", "exit_code", "durations", "moments")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    own_project(tmp_path, monkeypatch)
    shutil.copytree(V010 / "runs", tmp_path / "state" / "runs")
    return tmp_path / "state"


def drillctl(state: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--state-dir", str(state), *args])


@pytest.mark.parametrize("journal", JOURNALS, ids=lambda p: p.parent.name)
def test_every_line_of_a_010_journal_is_read_and_migrated(journal: Path) -> None:
    read = read_journal(journal)
    assert read.unreadable == 0
    assert isinstance(read.events[0], RunStarted) and read.events[0].schema_version == 1


# What the reports issue (#17) changed on purpose: an instant fault (FLUSHDB) has nothing to
# revert, so no time to mitigate, and its time to recover runs from the symptom.
CHANGED = {
    ("20261207-140612-redis-cache-flush-1b85", "mitigate_s"): None,
    ("20261207-140612-redis-cache-flush-1b85", "recover_s"): 64.195365,
}


@pytest.mark.parametrize("run_id", RUNS)
def test_report_json_gives_the_010_figures(state: Path, run_id: str) -> None:
    result = drillctl(state, "report", run_id, "--format", "json")
    assert result.exit_code == 0, result.output
    now = json.loads(result.stdout)
    then = json.loads((V010 / "expected" / f"{run_id}.json.txt").read_text())
    assert {k: now.get(k) for k in FIGURES if k != "durations"} == {
        k: then.get(k) for k in FIGURES if k != "durations"
    }
    expected = {k: CHANGED.get((run_id, k), v) for k, v in then["durations"].items()}
    assert {k: now["durations"][k] for k in expected} == expected
    assert without_16(now)["at"] == then["at"] and now["unreadable_lines"] == 0


@pytest.mark.parametrize("fmt", ["markdown", "slack", "junit"])
@pytest.mark.parametrize("run_id", RUNS)
def test_report_text_formats_keep_the_010_sections(state: Path, run_id: str, fmt: str) -> None:
    """The wording changed with #17 (tests/unit/report/test_report_figures_agree.py checks the
    figures); every line 0.1.0 wrote outside the key durations and the timeline is still there."""
    result = drillctl(state, "report", run_id, "--format", fmt)
    assert result.exit_code == 0, result.output
    then = (V010 / "expected" / f"{run_id}.{fmt}.txt").read_text().splitlines()
    kept = [line for line in then if not _reworded(line)]
    now = as_before_16(result.stdout).splitlines()
    assert [line for line in now if line in kept] == kept


def _reworded(line: str) -> bool:
    words = ("Time to", "hypothesis", "mitigate", "recover", "property", "`1", "`0", "| `")
    words += ("fired", "Chaos drill", "&gt;", "&lt;", "&amp;", "Journal")
    # #17, honest evidence: no Jaeger is "unavailable", not "0 error spans"; a stopped
    # container's logs say it was stopped; paths relative to the project directory
    words += ("0 error spans", "0 log lines", "/work/main/")
    # #17, an instant fault: "Fault flush-cache: nothing to revert", not "reverted"
    words += ("Fault flush-cache reverted",)
    # #17, numbers rounded to 3 significant digits everywhere, expectation details and evidence
    # items ("min=0.0, max=16.0" reads "min=0, max=16") included
    words += ("min=",)
    return any(w in line for w in words) or _LONG_NUMBER.search(line) is not None


_LONG_NUMBER = re.compile(r"\d\.\d{4,}")


# Issue #16's intended changes, undone so that every other byte is still compared with 0.1.0:
# fields it added (null for these journals) and the direction word of the extreme sample.
ADDED_BY_16 = {"at": ["effective"], "faults": ["effective_at", "took"], "signals": ["no_data"]}


def without_16(report: dict[str, Any]) -> dict[str, Any]:
    report = json.loads(json.dumps(report))
    for key, fields in ADDED_BY_16.items():
        for item in report[key] if isinstance(report[key], list) else [report[key]]:
            for name in fields:
                item.pop(name, None)
    return report


def as_before_16(text: str) -> str:
    text = text.replace("| Peak or low |", "| Peak |").replace(" → low ", " → peak ")
    return re.sub(r"\| (peak|low) ", "| ", text)


def test_history_lists_the_010_runs_as_010_did(state: Path) -> None:
    shutil.copy(V010 / "history.sqlite", state / "history.sqlite")
    result = CliRunner().invoke(app, ["--state-dir", str(state), "history"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.stdout == (V010 / "expected" / "history.txt").read_text()


def test_recover_finds_the_fault_a_killed_010_run_left_and_plans_its_revert(state: Path) -> None:
    for run in (V010 / "unrecovered").iterdir():
        shutil.copytree(run, state / "runs" / run.name)
    result = CliRunner().invoke(app, ["--state-dir", str(state), "recover"])
    assert result.exit_code == 2, result.output  # no terminal to ask, no --yes: nothing reverted
    plan = (V010 / "expected" / "recover.txt").read_text().splitlines()[:3]
    # #15: the revert's words are the plugin's, journalled in fault.inject-started; a 0.1.0
    # journal has none, so recover names the revert after the plan it undoes
    assert plan[2] == "    will revert: start ebit-api"
    plan[2] = "    will revert: undo stop service ebit-api for 1m"
    assert result.stdout.splitlines()[:3] == plan


@pytest.mark.parametrize("run_id", RUNS)
def test_the_exit_code_table_gives_the_010_exit_code_of_each_result(run_id: str) -> None:
    then = json.loads((V010 / "expected" / f"{run_id}.json.txt").read_text())
    assert EXIT_CODES[RunResult(then["result"])] == then["exit_code"]
