"""CLI start-up: drillctl's cheap commands beside chaostoolkit's and `docker compose version`.

Every command a user types, every script call and every shell-completion Tab pays the start-up, so
the cheap commands (`--version`, `--help`, `list`, `validate FILE`, a completion request) must not
import the heavy parts (matplotlib, the docker SDK, aiohttp, asyncpg, the report stack).

    .venv/bin/python bench/cli_startup.py [--runs 5] [--drillctl PATH] [--no-peers]

Prints, per command, the median wall time and the median max RSS of --runs rounds (child process
rusage, so the figure is the command's own; the rows take turns within a round). The floor row is
what `validate FILE` cannot go below while typer parses and pydantic checks: those libraries'
import and first use, and PyYAML's, without drillctl's code.

chaostoolkit (our domain peer, also a Python CLI) is installed for the bench only, in a throwaway
venv under ~/.cache/drillctl-bench/ (not a project dependency); `chaos validate` checks
bench/peers/chaos-bullmq-backpressure.json, the peer's form of the drill `validate FILE` checks.
`docker compose version` is the Go CLI drillctl drives. Targets for drillctl: <= 0.2 s and
<= 60 MB, i.e. no slower than `chaos --help` in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "drillctl-bench"
CHAOS_VENV = CACHE / "chaos-venv"
CHAOS_EXPERIMENT = ROOT / "bench" / "peers" / "chaos-bullmq-backpressure.json"
# Where the commands run: outside any project (no drillctl.toml), except the row that runs in the
# repository, where `validate` also reads the project's compose files for its services.
OUTSIDE = Path(tempfile.gettempdir())
Row = tuple[str, list[str], dict[str, str], Path]


def drillctl() -> str:
    """The drillctl next to this interpreter (the venv the bench runs in), else the one on PATH."""
    beside = Path(sys.executable).parent / "drillctl"
    return str(beside) if beside.exists() else shutil.which("drillctl") or "drillctl"


def python_of(exe: str) -> str:
    """The interpreter of that drillctl's venv (the floor row imports the same libraries)."""
    beside = Path(exe).parent / "python"
    return str(beside) if beside.exists() else sys.executable


def chaos() -> str | None:
    """`chaos` from the bench's own venv, created on first use; None when pip cannot install it."""
    exe = CHAOS_VENV / "bin" / "chaos"
    if not exe.exists():
        print(f"installing chaostoolkit into {CHAOS_VENV} (once)", file=sys.stderr)
        venv.create(CHAOS_VENV, with_pip=True, clear=True)
        pip = [str(CHAOS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        done = subprocess.run([*pip, "chaostoolkit"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"chaostoolkit not installed: {done.stderr.strip()[-300:]}", file=sys.stderr)
            return None
    return str(exe)


def measure(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """One run: (wall seconds, max RSS in MB) of the child alone."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # completion and `list` may exit 1 on a partial answer
        raise SystemExit(f"{argv} exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def medians(table: list[Row], runs: int) -> list[tuple[float, float]]:
    """Per row, the median (wall, RSS) of ``runs`` rounds. The rows take turns within a round, so
    a burst of load on a shared machine lands on all of them rather than on one row's block."""
    for _, argv, env, cwd in table:
        measure(argv, env, cwd)  # warm the page cache: the steady cost, not a cold disk
    samples: list[list[tuple[float, float]]] = [[] for _ in table]
    for _ in range(runs):
        for row, (_, argv, env, cwd) in zip(samples, table, strict=True):
            row.append(measure(argv, env, cwd))
    return [
        (statistics.median(s[0] for s in row), statistics.median(s[1] for s in row))
        for row in samples
    ]


# What `validate FILE` cannot go below while it parses with typer and checks with pydantic: their
# import and first use (one adapter, one model) and PyYAML's, with none of drillctl's own code.
FLOOR = """
from pathlib import Path
import typer, typer.main, yaml
from pydantic import BaseModel, TypeAdapter
TypeAdapter(list[Path]).validate_python(["x"])
class Model(BaseModel):
    name: str
Model.model_validate(yaml.load(Path(FILE).read_text(), Loader=yaml.CSafeLoader))
"""


def commands(exe: str, peers: bool) -> list[Row]:
    env = dict(os.environ)
    complete = {
        **env,
        "_DRILLCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": "drillctl r",
        "COMP_CWORD": "1",
    }  # what one Tab after `drillctl r` runs
    file = ROOT / "scenarios" / "bullmq-backpressure.yaml"
    validate = [exe, "validate", str(file)]
    floor = FLOOR.replace("FILE", repr(str(file)))
    table: list[Row] = [
        ("drillctl --version", [exe, "--version"], env, OUTSIDE),
        ("drillctl --help", [exe, "--help"], env, OUTSIDE),
        ("drillctl list", [exe, "list"], env, OUTSIDE),
        ("drillctl validate FILE", validate, env, OUTSIDE),
        ("drillctl <Tab> (bash completion)", [exe], complete, OUTSIDE),
        ("drillctl validate FILE, in the repo", validate, env, ROOT),
        ("floor: typer + pydantic + PyYAML alone", [python_of(exe), "-c", floor], env, OUTSIDE),
    ]
    peer = chaos() if peers else None
    if peer:
        table.append(("chaos --help (chaostoolkit)", [peer, "--help"], env, OUTSIDE))
        # the like-for-like peer of `validate FILE`; --log-file: chaos writes a log beside it
        check = [peer, "--log-file", os.devnull, "validate", str(CHAOS_EXPERIMENT)]
        table.append(("chaos validate FILE (chaostoolkit)", check, env, OUTSIDE))
    if peers and shutil.which("docker"):
        table.append(("docker compose version", ["docker", "compose", "version"], env, OUTSIDE))
    return table


def load() -> str:
    """The 1, 5 and 15 minute load averages: a loaded machine makes every figure larger."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drillctl", default=drillctl(), help="another build to compare")
    parser.add_argument("--no-peers", action="store_true", help="drillctl's commands only")
    args = parser.parse_args()
    print(f"load average at the start: {load()} ({os.cpu_count()} CPUs)")
    print(f"{'command':<40} {'wall (median)':>12} {'max RSS (median)':>17}")
    table = commands(args.drillctl, not args.no_peers)
    for (label, *_), (wall, rss) in zip(table, medians(table, args.runs), strict=True):
        print(f"{label:<40} {wall:>10.3f} s {rss:>14.1f} MB")
    print(f"medians of {args.runs} rounds, rows interleaved; targets: <= 0.2 s, <= 60 MB")
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
