"""Context.console: the console given, else a stdout console made when first used (a command
that prints no table starts without rich), kept by dataclasses.replace."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from drillctl.config import Settings
from drillctl.context import Context


def test_a_given_console_is_the_one_used() -> None:
    given = Console(file=io.StringIO())
    assert Context(settings=Settings(), console=given).console is given


def test_without_one_a_stdout_console_is_made_once() -> None:
    context = Context(settings=Settings())
    made = context.console
    assert isinstance(made, Console) and not made.stderr
    assert context.console is made


def test_replace_keeps_the_console() -> None:
    given = Console(file=io.StringIO())
    context = Context(settings=Settings(), console=given)
    assert replace(context, settings=Settings()).console is given
