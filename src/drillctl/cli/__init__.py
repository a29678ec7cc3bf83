"""The console entry point, kept light: ``drillctl --version`` answers before typer is imported.

Everything else goes to the typer application in ``app.py`` (which imports typer, rich and the
root's verb table, and each verb's module only when it runs).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """``drillctl``: the version alone needs no parser; any other call goes to the application."""
    if sys.argv[1:] == ["--version"] and "_DRILLCTL_COMPLETE" not in os.environ:
        from drillctl import __version__

        sys.stdout.write(f"drillctl {__version__}\n")
        return
    from drillctl.cli.app import main as run_app

    run_app()
