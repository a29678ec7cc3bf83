"""The typer application: global options, the context object, and the verbs of ``verbs.VERBS``.

Each verb lives in its own module under ``drillctl/cli/`` and exposes ``register(app)``; the root
group (``lazy.py``) imports that module only when the verb is used. This module only wires them and
turns ``DrillError`` into a message and an exit code (never a traceback).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer

from drillctl import __version__
from drillctl.cli import coercion, helpfmt
from drillctl.cli._common import print_error
from drillctl.cli.lazy import LazyGroup
from drillctl.cli.verbs import VERBS
from drillctl.core.errors import DrillError


class RootGroup(LazyGroup):
    """drillctl's root: every verb of ``verbs.VERBS``, its module imported when it is used."""

    verbs = VERBS


helpfmt.install()
coercion.install()
app = typer.Typer(
    cls=RootGroup,
    name="drillctl",
    help=(
        "Chaos drills for docker compose stacks: inject a fault, watch, "
        "time the responder, put it back."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drillctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help="drillctl.toml to use")] = None,
    project_dir: Annotated[
        Path | None, typer.Option("--project-dir", help="compose project directory")
    ] = None,
    compose_file: Annotated[
        list[Path] | None, typer.Option("-f", "--file", metavar="FILE", help="compose file(s)")
    ] = None,
    project_name: Annotated[
        str | None, typer.Option("-p", "--project-name", help="compose project name")
    ] = None,
    driver: Annotated[
        str | None, typer.Option("--driver", help="target driver: compose or swarm")
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="where runs, lock and history live")
    ] = None,
    scenarios_dir: Annotated[
        Path | None, typer.Option("--scenarios-dir", help="team scenario folder")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version")
    ] = False,
) -> None:
    from drillctl.context import Context
    from drillctl.core.config_layers import read_layers

    overrides: dict[str, Any] = {
        "project": {
            "dir": project_dir,
            "files": compose_file or None,
            "name": project_name,
            "driver": driver,
        },
        "drill": {"state_dir": state_dir, "scenarios_dir": scenarios_dir},
    }
    # the file is found and read now (a missing --config or bad TOML fails every command); the
    # settings models check it when a command first uses the settings (pydantic: not for `list`)
    layers = read_layers(config_path=config, env=os.environ, cwd=Path.cwd(), overrides=overrides)
    ctx.obj = Context(layers=layers)


def _crash_report(exc: BaseException) -> int:
    log = Path.home() / ".cache" / "drillctl" / "crash.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    sys.stderr.write(
        f"drillctl: internal error: {type(exc).__name__}: {exc}\n"
        f"  a report was written to {log}; please attach it to a bug report\n"
    )
    return 70


def main() -> None:
    """Console entry point: typer handles usage errors (exit 2); drillctl's own errors map here."""
    try:
        app()  # standalone: click prints usage errors and exits 2 by itself
    except DrillError as exc:
        print_error(exc)
        sys.exit(int(exc.exit_code))
    except Exception as exc:  # anything else is a bug in drillctl: keep the user's terminal clean
        sys.exit(_crash_report(exc))
