"""The root's verb table (cli/verbs.py) says what the verb modules register, and the lazy root
group behaves as the eager one did: same help, same suggestions, same completion of verb names."""

from __future__ import annotations

import importlib
import inspect
from collections import defaultdict
from pathlib import Path

import pytest
import typer
from typer.main import get_command, get_group
from typer.testing import CliRunner

import drillctl.cli
from drillctl.cli.app import app
from drillctl.cli.lazy import LazyCommands, LazyGroup
from drillctl.cli.verbs import VERBS


def registered(module_name: str) -> dict[str, str]:
    """name -> first paragraph of help, for every command the module's register() adds."""
    holder = typer.Typer(rich_markup_mode="rich")
    importlib.import_module(f"drillctl.cli.{module_name}").register(holder)
    commands = get_group(holder).commands
    return {n: inspect.cleandoc(c.help or "").split("\n\n")[0].strip() for n, c in commands.items()}


def test_each_row_is_a_command_its_module_registers_with_that_summary() -> None:
    by_module: dict[str, dict[str, str]] = defaultdict(dict)
    for verb in VERBS:
        by_module[verb.module][verb.name] = verb.summary
    for module_name, table in by_module.items():
        assert registered(module_name) == table, module_name


def test_the_verb_names_are_unique() -> None:
    names = [verb.name for verb in VERBS]
    assert len(names) == len(set(names))


def test_root_help_lists_the_table_without_importing_a_verb_module_and_reads_as_when_loaded(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    root = get_command(app)
    ctx = typer.Context(root, info_name="drillctl")
    lazy = root.commands
    assert isinstance(lazy, LazyCommands)
    root.get_help(ctx)  # typer's rich help prints itself
    listed = capsys.readouterr().out
    assert lazy.built() == set()  # the listing came from the table
    for name in root.list_commands(ctx):
        root.get_command(ctx, name)
    assert lazy.built() == {verb.name for verb in VERBS}
    root.get_help(ctx)
    assert capsys.readouterr().out == listed  # the real commands' help reads the same
    for verb in VERBS:
        assert f"│ {verb.name} " in listed


def test_a_verb_loads_its_own_module_only() -> None:
    root = get_command(app)
    ctx = typer.Context(root)
    lab = root.get_command(ctx, "lab")
    assert lab is not None and "up" in getattr(lab, "commands", {})
    assert isinstance(root.commands, LazyCommands)
    assert root.commands.built() == {"lab"}
    assert root.get_command(ctx, "no-such-verb") is None


def test_a_mistyped_verb_still_gets_suggestions() -> None:
    done = CliRunner().invoke(app, ["lsit"], env={"COLUMNS": "120"})
    assert done.exit_code == 2
    assert "No such command 'lsit'. Did you mean 'list'" in done.output


def test_completing_a_verb_name_lists_matching_verbs_in_table_order() -> None:
    root = get_command(app)
    ctx = typer.Context(root, resilient_parsing=True)
    items = root.shell_complete(ctx, "r")
    names = [item.value for item in items]
    assert names == [v.name for v in VERBS if v.name.startswith("r")]
    assert isinstance(root.commands, LazyCommands) and root.commands.built() == set()


def test_every_cli_module_with_register_is_in_the_table() -> None:
    """A verb module missing from the table would be a verb nobody can call."""
    folder = Path(drillctl.cli.__file__).parent
    with_register = {
        path.stem
        for path in folder.glob("*.py")
        if "\ndef register(app" in path.read_text(encoding="utf-8")
    }
    assert with_register == {verb.module for verb in VERBS}


def test_a_command_registered_on_the_root_itself_is_kept_after_the_verbs() -> None:
    class Root(LazyGroup):
        verbs = VERBS[:1]

    root_app = typer.Typer(cls=Root)
    root_app.callback()(lambda: None)
    root_app.command("hello")(lambda: typer.echo("hi"))
    done = CliRunner().invoke(root_app, ["hello"])
    assert done.exit_code == 0 and done.output == "hi\n"
    root = get_command(root_app)
    assert root.list_commands(typer.Context(root)) == [VERBS[0].name, "hello"]
