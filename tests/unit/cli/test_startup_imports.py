"""The cheap commands must not import the heavy parts: every call and every Tab pays for them.

Each case runs the real console entry point in a fresh interpreter and reports which of the heavy
packages ended up in ``sys.modules`` (timing lives in bench/cli_startup.py, not here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("matplotlib", "docker", "aiohttp", "asyncpg", "python_on_whales", "drillctl.report.chart")
PROBE = """
import atexit, json, sys
from drillctl.cli.app import main
heavy = {heavy!r}
atexit.register(lambda: print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr))
sys.argv = ["drillctl", *{argv!r}]
main()
"""


def probe(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run drillctl ARGV through its console entry point in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, argv=argv)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def heavy_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The heavy modules the run imported (the probe's last stderr line)."""
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def loaded_heavy(argv: list[str], cwd: Path) -> tuple[int, list[str]]:
    done = probe(argv, cwd)
    return done.returncode, heavy_of(done)


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["--help"],
        ["list"],
        ["validate", str(ROOT / "scenarios" / "bullmq-backpressure.yaml")],
        ["run", "--help"],
    ],
    ids=" ".join,
)
def test_cheap_commands_do_not_import_the_heavy_parts(argv: list[str], tmp_path: Path) -> None:
    code, heavy = loaded_heavy(argv, tmp_path)
    assert code == 0
    assert heavy == []


def test_a_tab_completes_commands_without_the_heavy_parts(tmp_path: Path) -> None:
    """What one Tab after `drillctl lab ` runs (bash): the subcommands, and nothing heavy."""
    env = {"_DRILLCTL_COMPLETE": "complete_bash", "COMP_WORDS": "drillctl lab ", "COMP_CWORD": "2"}
    done = probe([], tmp_path, env)
    assert done.returncode == 0
    assert done.stdout.split() == ["up", "down", "status", "logs"]
    assert heavy_of(done) == []


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check above can fail: `history` reads the index, which loads the report stack."""
    code, heavy = loaded_heavy(["history"], tmp_path)
    assert code == 0
    assert "matplotlib" in heavy


def test_install_completion_writes_a_bash_script_that_calls_drillctl(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    drillctl = str(Path(sys.executable).parent / "drillctl")
    done = subprocess.run(
        [drillctl, "--install-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    script = (tmp_path / ".bash_completions" / "drillctl.sh").read_text(encoding="utf-8")
    assert "_DRILLCTL_COMPLETE=complete_bash" in script
    assert "drillctl.sh" in (tmp_path / ".bashrc").read_text(encoding="utf-8")
