"""A test's own drillctl project and state dir: the setup the CLI and command tests share."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from drillctl.core.journal import read_events

JOURNALS = Path(__file__).resolve().parents[2] / "fixtures" / "journals"
CONFIG = '[project]\nname = "ebit-lab"\n'  # (config.load_settings needs a [project] table today)


def own_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the current directory with our own drillctl.toml, no DRILLCTL_* from
    outside."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    (tmp_path / "drillctl.toml").write_text(CONFIG)
    return tmp_path


def with_every_fixture_run(state_dir: Path) -> Path:
    """``state_dir`` holding each fixture journal as a run directory named by its run id."""
    for journal in JOURNALS.glob("*.jsonl"):
        run_dir = state_dir / "runs" / str(read_events(journal)[0].data["run_id"])
        run_dir.mkdir(parents=True)
        shutil.copy(journal, run_dir / "journal.jsonl")
    return state_dir
