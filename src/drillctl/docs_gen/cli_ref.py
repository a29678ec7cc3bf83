"""The CLI reference page, read from the typer application (built with the site, not committed)."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

from typer.main import get_command

from drillctl.docs_gen.tables import md, type_text

CLI_GENERATED = "<!-- generated when the site is built, from the installed CLI (docs_gen) -->"
INTRO = """
Every command and option as the installed drillctl defines them (`drillctl COMMAND --help` prints
the same). Global options go before the command: `drillctl --config ci.toml run NAME`.
"""


def _kind(param: Any) -> str:
    """The parameter's type in words (typer vendors click: read its annotations, not click's)."""
    descriptor = getattr(param, "type_descriptor", None)
    ann = getattr(descriptor, "annotation", None)
    if isinstance(ann, type) and issubclass(ann, Enum):
        return ", ".join(f"`{m.value}`" for m in ann)
    return "flag" if ann is bool else type_text(ann, {}) if ann is not None else "text"


def _default(param: Any) -> str:
    value = param.default
    if isinstance(value, Enum):
        value = value.value
    if value in (None, False, (), []) or callable(value):
        return ""
    return f"`{value}`"


def _param_row(param: Any) -> str:
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    text = getattr(param, "help", None) or ""
    if param.required:
        text = f"required. {text}"
    return f"| {names} | {md(_kind(param))} | {md(_default(param))} | {md(text)} |"


def _commands(group: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    for name, command in getattr(group, "commands", {}).items():
        if command.hidden:
            continue
        path = f"{prefix} {name}"
        yield path, command
        yield from _commands(command, path)


def _section(path: str, command: Any) -> str:
    params = [p for p in command.params if p.name != "help"]
    lines = [f"## `{path}`", "", (command.help or "").strip(), ""]
    if params:
        lines += ["| option | type | default | meaning |", "|---|---|---|---|"]
        lines += [_param_row(p) for p in params]
        lines.append("")
    return "\n".join(lines)


def cli_page() -> str:
    from drillctl.cli.app import app

    root = get_command(app)
    globals_ = _section("drillctl", root).replace("## `drillctl`", "## Global options", 1)
    sections = [globals_, *(_section(path, cmd) for path, cmd in _commands(root, "drillctl"))]
    body = [CLI_GENERATED, "", "# Command line", ""]
    return "\n".join([*body, INTRO.strip(), "", *sections]).rstrip() + "\n"
