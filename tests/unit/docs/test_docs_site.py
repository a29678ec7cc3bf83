"""The user guide builds with MkDocs in strict mode: a broken link or anchor fails the build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.timeout(300)
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "cli" / "index.html").is_file()
    assert not (tmp_path / "site" / "dev").exists(), "docs/dev/ is for the team, not the site"


def test_the_cli_reference_lists_every_command() -> None:
    from drillctl.docs_gen.cli_ref import cli_page

    page = cli_page()
    for command in ("run", "init", "doctor", "recover", "report"):
        assert f"## `drillctl {command}`" in page
