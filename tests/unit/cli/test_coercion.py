"""cli/coercion.py: options not given come out as typer gives them, given ones are still coerced
and checked by typer (its pydantic adapter, built when the option has a value)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
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
