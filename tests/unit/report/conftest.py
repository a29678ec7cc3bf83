"""Fixtures for the report tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from report_helpers import JOURNALS, run_id_of


@pytest.fixture
def make_run(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture journal into ``<tmp>/runs/<run-id>/journal.jsonl``; returns the run dir."""

    def make(name: str) -> Path:
        run_dir = tmp_path / "runs" / run_id_of(name)
        run_dir.mkdir(parents=True)
        shutil.copy(JOURNALS / f"{name}.jsonl", run_dir / "journal.jsonl")
        return run_dir

    return make
