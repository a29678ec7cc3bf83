"""The root group imports a verb's module when the verb is used, not before every command.

typer builds the whole click tree before it parses an argument, so registering every verb module
up front imported all of them (and what they import) for ``--version``, ``--help``, ``list`` and
every completion Tab. Here the root's ``commands`` mapping knows every verb's name from
``verbs.VERBS`` and imports the module that registers it on first access (click's "lazily loading
subcommands" pattern, on typer's group). Listing the verbs (the root's ``--help``, completing a
verb's name) needs only names and summaries: those come from the table, no module is imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_group

from drillctl.cli.verbs import Verb

if TYPE_CHECKING:
    from typer._click import Command, Context  # typer vendors click; these are its classes
    from typer._click.shell_completion import CompletionItem


class LazyCommands(MutableMapping[str, "Command"]):
    """Every verb's name; a verb's command is built on first access, with its module's others."""

    def __init__(self, verbs: Sequence[Verb], load: Callable[[str], dict[str, Command]]) -> None:
        self._verbs = {verb.name: verb for verb in verbs}
        self._load = load
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built and name in self._verbs:
            self._built.update(self._load(self._verbs[name].module))
        return self._built[name]  # KeyError for an unknown verb: get() answers None

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._verbs.pop(name, None)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._verbs
        yield from (name for name in self._built if name not in self._verbs)

    def __len__(self) -> int:
        return len(self._verbs.keys() | self._built.keys())

    def built(self) -> set[str]:
        """The verbs whose module has been imported so far."""
        return set(self._built)

    def summary(self, name: str) -> Command | None:
        """A stand-in that only names and describes the verb, for listing it without its module."""
        if name in self._built or name not in self._verbs:
            return self._built.get(name)
        return TyperCommand(name=name, help=self._verbs[name].summary)


class LazyGroup(TyperGroup):
    """A typer group whose verbs come from ``verbs`` (subclass and set it)."""

    verbs: ClassVar[Sequence[Verb]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        lazy = LazyCommands(self.verbs, self._commands_of)
        lazy.update(self.commands)  # any command registered on the root app itself
        self.commands = lazy
        self._listing = False

    def _commands_of(self, module_name: str) -> dict[str, Command]:
        """The commands a verb module registers, built as typer builds a root group's children."""
        module = importlib.import_module(f"drillctl.cli.{module_name}")
        holder = typer.Typer(
            rich_markup_mode=self.rich_markup_mode,
            suggest_commands=self.suggest_commands,
            pretty_exceptions_enable=False,
        )
        module.register(holder)
        return dict(get_group(holder).commands)

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if self._listing:
            return self._lazy().summary(cmd_name)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Context, formatter: Any) -> None:
        with self._names_only():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Context, incomplete: str) -> list[CompletionItem]:
        with self._names_only():
            return super().shell_complete(ctx, incomplete)

    def _lazy(self) -> LazyCommands:
        assert isinstance(self.commands, LazyCommands)  # set in __init__, never replaced
        return self.commands

    @contextmanager
    def _names_only(self) -> Iterator[None]:
        """While listing the verbs, get_command answers the table's stand-ins."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False
