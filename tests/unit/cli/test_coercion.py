"""cli/coercion.py: options not given come out as typer gives them, given ones are still coerced
and checked by typer (its pydantic adapter, built when the option has a value)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.testing import CliRunner

import drillctl.cli.app  # noqa: F401 - installs the patch, as the console entry point does

seen: dict[str, object] = {}
demo = typer.Typer()


@demo.command()
def show(
    count: Annotated[int | None, typer.Option()] = None,
    where: Annotated[Path | None, typer.Option()] = None,
    files: Annotated[list[Path] | None, typer.Option("-f")] = None,
) -> None:
    seen.update(count=count, where=where, files=files)


def test_options_not_given_are_none() -> None:
    assert CliRunner().invoke(demo, []).exit_code == 0
    assert seen == {"count": None, "where": None, "files": None}


def test_given_options_are_coerced() -> None:
    done = CliRunner().invoke(demo, ["--count", "3", "--where", "a", "-f", "x", "-f", "y"])
    assert done.exit_code == 0, done.output
    assert seen == {"count": 3, "where": Path("a"), "files": [Path("x"), Path("y")]}


def test_a_bad_value_is_still_a_usage_error() -> None:
    done = CliRunner().invoke(demo, ["--count", "three"])
    assert done.exit_code == 2
    assert "--count" in done.output


class Shape(StrEnum):
    text = "text"
    json = "json"


defaults = typer.Typer()


@defaults.command()
def render(
    shape: Annotated[Shape, typer.Option("--format")] = Shape.text,
    limit: Annotated[int, typer.Option()] = 20,
) -> None:
    seen.update(shape=shape, limit=limit)


def test_defaults_and_enum_values_come_out_as_the_adapter_gives_them_without_one() -> None:
    command = typer.main.get_command(defaults)
    seen.clear()
    command.main([], standalone_mode=False)
    assert seen == {"shape": Shape.text, "limit": 20} and type(seen["shape"]) is Shape
    command.main(["--format", "json"], standalone_mode=False)
    assert seen["shape"] is Shape.json
    # typer keeps a parameter's adapter once built: none was (so pydantic was not needed)
    assert [_built(command, name) for name in ("shape", "limit")] == [False, False]


def test_a_given_value_of_another_type_still_builds_the_adapter() -> None:
    command = typer.main.get_command(defaults)
    command.main(["--limit", "5"], standalone_mode=False)
    assert seen["limit"] == 5
    assert [_built(command, name) for name in ("shape", "limit")] == [False, True]


def _built(command: Any, name: str) -> bool:
    (param,) = [p for p in command.params if p.name == name]
    return getattr(param, "_runtime_param", None) is not None


def test_a_wrong_enum_value_gets_typers_message() -> None:
    done = CliRunner().invoke(defaults, ["--format", "jsn"])
    assert done.exit_code == 2
    assert "'jsn' is not one of" in done.output
