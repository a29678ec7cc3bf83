"""At 80 columns nothing a user copies is cut (URLs, paths), and flags read as flags in --help."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.cli.lab_cmd import endpoints_table, status_table
from drillctl.lab.stack import LabStack, ServiceStatus
from drillctl.scenario.catalog import builtin_dir

WIDTH = {"COLUMNS": "80"}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith(("DRILLCTL_", "EBIT_LAB_"))]:
        monkeypatch.delenv(key)
    return tmp_path


def rendered(renderable: object) -> list[str]:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


def test_the_endpoint_table_keeps_each_url_on_one_line_at_80_columns() -> None:
    stack = LabStack("ebit-lab", env={"EBIT_LAB_POSTGRES_PORT": "45432"})
    lines = rendered(endpoints_table(stack))
    assert max(len(line) for line in lines) <= 80
    for _, address in stack.endpoints.rows():
        assert any(address in line for line in lines), address


def test_the_endpoint_table_redacts_the_lab_passwords_and_says_where_they_are() -> None:
    stack = LabStack("ebit-lab", env={})
    text = "\n".join(rendered(endpoints_table(stack)))
    assert "redis://:***@127.0.0.1:16379/0" in text
    assert "postgresql://ebit:***@127.0.0.1:15432/ebit" in text
    assert ":cache@" not in text and "ebit:ebit@" not in text
    assert "passwords (***): the lab's fixed ones, in compose/compose.yaml" in text


def test_container_names_are_never_folded() -> None:
    name = "ebit-lab-with-a-long-project-name-ebit-api-1"
    lines = rendered(status_table([ServiceStatus("ebit-api", name, "running", "healthy")]))
    assert any(name in line for line in lines)


def scenario_folder(folder: Path, name: str) -> Path:
    text = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    path = folder / f"{name}.yaml"
    path.write_text(text.replace("name: bullmq-backpressure", f"name: {name}", 1), "utf-8")
    return path


def test_list_drops_the_source_column_for_a_path_too_long_and_prints_it_whole(
    tmp_path: Path,
) -> None:
    path = scenario_folder(tmp_path / ("a-long-team-folder-name" * 3) / "scenarios", "team-drill")
    done = CliRunner().invoke(app, ["--scenarios-dir", str(path.parent), "list"], env=WIDTH)
    assert done.exit_code == 0, done.output
    assert "source" not in done.output.splitlines()[2]  # the header row
    shown = path.relative_to(tmp_path)  # under the current directory: relative, shorter
    assert f"team-drill: {shown}" in done.output.splitlines()


def test_list_keeps_the_source_column_when_it_fits(tmp_path: Path) -> None:
    scenario_folder(tmp_path / "s", "team-drill")
    done = CliRunner().invoke(app, ["--scenarios-dir", "s", "list"], env=WIDTH)
    assert done.exit_code == 0, done.output
    assert "source" in done.output.splitlines()[2]
    assert any(
        "team-drill" in line and "s/team-drill.yaml" in line for line in done.output.splitlines()
    )


def every_command(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subs = getattr(command, "commands", {})
    found = [path]
    for name, sub in subs.items():
        found += every_command(sub, (*path, name))
    return found


@pytest.mark.parametrize("argv", every_command(typer.main.get_command(app)), ids=" ".join)
def test_no_help_shows_a_value_placeholder_for_a_flag(argv: tuple[str, ...]) -> None:
    done = CliRunner().invoke(app, [*argv, "--help"], env=WIDTH)
    assert done.exit_code == 0, done.output
    assert "<bool>" not in done.output
    assert "--help" in done.output


def test_run_help_shows_dry_run_as_a_flag_and_operator_with_its_type() -> None:
    done = CliRunner().invoke(app, ["run", "--help"], env=WIDTH)
    dry_run = next(line for line in done.output.splitlines() if "--dry-run" in line)
    operator = next(line for line in done.output.splitlines() if "--operator" in line)
    assert "<" not in dry_run
    assert "<str>" in operator
