from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from drillctl.init.compose_source import Runner

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _no_docker(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    raise FileNotFoundError(2, "No such file or directory", argv[0])


@pytest.fixture
def no_docker() -> Runner:
    """A runner for a machine without Docker: init must fall back to reading the YAML files."""
    return _no_docker


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A private copy of the shop fixture project (init writes files into it)."""
    return Path(shutil.copytree(FIXTURES / "shop-stack", tmp_path / "shop"))


@pytest.fixture
def no_prom(tmp_path: Path) -> Path:
    dest = tmp_path / "no-prom"
    shutil.copytree(FIXTURES / "no-prom-stack", dest)
    return dest
