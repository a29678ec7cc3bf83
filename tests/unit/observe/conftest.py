from __future__ import annotations

from pathlib import Path

import pytest

from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path, clock: FakeClock) -> Journal:
    return Journal(tmp_path / "journal.jsonl", clock=clock)
