"""The cheap commands must not import the heavy parts: every call and every Tab pays for them.

Each case runs the real console entry point in a fresh interpreter and reports which of the heavy
packages ended up in ``sys.modules`` (timing lives in bench/cli_startup.py, not here).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import drillctl.cli
from drillctl.cli.verbs import VERBS
from drillctl.faults.registry import BUILTIN_TYPES

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("matplotlib", "docker", "aiohttp", "asyncpg", "python_on_whales", "drillctl.report.chart")
PROBE = """
import atexit, json, sys
from drillctl.cli import main
heavy = {heavy!r}
atexit.register(lambda: print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr))
sys.argv = ["drillctl", *{argv!r}]
main()
"""
VERB_MODULES = sorted({f"drillctl.cli.{verb.module}" for verb in VERBS})


def probe(
    argv: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    modules: tuple[str, ...] = HEAVY,
) -> subprocess.CompletedProcess[str]:
    """Run drillctl ARGV through its console entry point in a fresh interpreter; the last line
    of its stderr lists which of ``modules`` it imported."""
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=modules, argv=argv)],
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


def loaded(argv: list[str], cwd: Path, modules: list[str]) -> list[str]:
    done = probe(argv, cwd, modules=tuple(modules))
    assert done.returncode == 0, done.stderr
    return heavy_of(done)


def test_the_probe_runs_the_console_entry_point() -> None:
    (script,) = entry_points(group="console_scripts", name="drillctl")
    assert script.load() is drillctl.cli.main


def test_version_answers_without_the_cli_framework(tmp_path: Path) -> None:
    done = probe(["--version"], tmp_path, modules=("typer", "rich", "pydantic", "drillctl.cli.app"))
    assert done.stdout == "drillctl " + drillctl.__version__ + "\n"
    assert heavy_of(done) == []


def test_version_after_a_global_option_still_answers(tmp_path: Path) -> None:
    """Only a bare `drillctl --version` skips typer; the eager option still works elsewhere."""
    done = probe(["--config", "nowhere.toml", "--version"], tmp_path, modules=("typer",))
    assert done.returncode == 0
    assert done.stdout == "drillctl " + drillctl.__version__ + "\n"
    assert heavy_of(done) == ["typer"]


def test_help_imports_no_verb_module_and_no_models(tmp_path: Path) -> None:
    assert loaded(["--help"], tmp_path, [*VERB_MODULES, "pydantic", "httpx"]) == []


def test_help_renders_without_markdown_or_rich_tracebacks(tmp_path: Path) -> None:
    unused = ["markdown_it", "rich.markdown", "rich.traceback", "pygments"]
    assert loaded(["--help"], tmp_path, [*unused, "typer.rich_utils"]) == ["typer.rich_utils"]


def test_a_tab_on_a_verb_name_imports_no_verb_module(tmp_path: Path) -> None:
    env = {"_DRILLCTL_COMPLETE": "complete_bash", "COMP_WORDS": "drillctl r", "COMP_CWORD": "1"}
    done = probe([], tmp_path, env, modules=tuple(VERB_MODULES))
    assert done.returncode == 0
    assert done.stdout.split() == ["run", "recover", "report", "recurrence", "runbook"]
    assert heavy_of(done) == []


def test_a_tab_coerces_no_option_through_pydantic(tmp_path: Path) -> None:
    """Options not given are None without typer's pydantic adapters (cli/coercion.py)."""
    env = {"_DRILLCTL_COMPLETE": "complete_bash", "COMP_WORDS": "drillctl lab ", "COMP_CWORD": "2"}
    done = probe([], tmp_path, env, modules=("pydantic",))
    assert done.stdout.split() == ["up", "down", "status", "logs"]
    assert heavy_of(done) == []


@pytest.mark.parametrize(
    "argv",
    [["list"], ["validate", str(ROOT / "scenarios" / "bullmq-backpressure.yaml")]],
    ids=" ".join,
)
def test_scenario_verbs_import_their_module_alone_and_no_journal_or_http(
    argv: list[str], tmp_path: Path
) -> None:
    others = [m for m in VERB_MODULES if m != "drillctl.cli.scenario_cmds"]
    unwanted = [*others, "httpx", "drillctl.core.events", "drillctl.readiness", "drillctl.report"]
    assert loaded(argv, tmp_path, [*unwanted, "drillctl.cli.scenario_cmds"]) == [
        "drillctl.cli.scenario_cmds"
    ]


FAULT_MODULES = {name: f"drillctl.faults.{module}" for name, (module, _) in BUILTIN_TYPES.items()}


def test_validate_imports_only_the_fault_types_its_file_names(tmp_path: Path) -> None:
    file = ROOT / "scenarios" / "bullmq-backpressure.yaml"  # one stop-service fault
    # asyncio: the faults import it to run; rich: validate prints plain lines
    modules = [*sorted(FAULT_MODULES.values()), "asyncio", "rich"]
    imported = loaded(["validate", str(file)], tmp_path, modules)
    assert imported == ["drillctl.faults.stop_service"]


def test_list_reads_the_builtins_without_scenario_models(tmp_path: Path) -> None:
    models = ["drillctl.scenario.model", *FAULT_MODULES.values()]
    assert loaded(["list"], tmp_path, models) == []


def test_list_validates_team_files_with_their_fault_types_only(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "mine.yaml").write_text((ROOT / "scenarios" / "bullmq-backpressure.yaml").read_text())
    argv = ["--scenarios-dir", str(team), "list"]
    assert loaded(argv, tmp_path, sorted(FAULT_MODULES.values())) == [FAULT_MODULES["stop-service"]]


def test_validate_in_a_project_reads_its_services_without_docker(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    image: busybox\n", "utf-8")
    (tmp_path / "drillctl.toml").write_text('[project]\nname = "startup"\n', "utf-8")
    done = probe(["validate", str(ROOT / "scenarios" / "bullmq-backpressure.yaml")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "service 'ebit-api' is not defined in the project; services: api" in done.stderr
    assert heavy_of(done) == []  # neither python_on_whales nor the docker SDK


@pytest.mark.parametrize("argv", [["list"], ["list", "--format", "json"]], ids=" ".join)
def test_list_outside_a_project_starts_without_pydantic(argv: list[str], tmp_path: Path) -> None:
    """The settings are read without their models (Context.scenario_inputs) and --format's
    value needs no typer adapter (cli/coercion.py): about half of `list`'s start-up."""
    assert loaded(argv, tmp_path, ["pydantic", "drillctl.config"]) == []


def test_list_in_a_project_reads_its_vars_without_pydantic(tmp_path: Path) -> None:
    (tmp_path / "drillctl.toml").write_text('[vars]\nclients = 200\n[drill]\nscenarios_dir = "s"\n')
    (tmp_path / "s").mkdir()
    assert loaded(["list"], tmp_path, ["pydantic"]) == []


def test_the_startup_bench_prints_a_row_per_command_and_the_floor() -> None:
    """bench/cli_startup.py runs on a fresh clone (figures are printed, never asserted)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cli_startup.py"), "--runs", "1", "--no-peers"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = re.compile(r"^(.+?)\s+\d+\.\d{3} s\s+\d+\.\d MB$")
    rows = [m.group(1) for line in done.stdout.splitlines() if (m := figures.match(line))]
    assert rows == [
        "drillctl --version",
        "drillctl --help",
        "drillctl list",
        "drillctl validate FILE",
        "drillctl <Tab> (bash completion)",
        "drillctl validate FILE, in the repo",
        "floor: typer + pydantic + PyYAML alone",
    ]
