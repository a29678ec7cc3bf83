"""MkDocs hook (mkdocs.yml ``hooks:``): add the CLI reference, generated from the installed CLI."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from drillctl.docs_gen.cli_ref import cli_page

CLI_PAGE = "reference/cli.md"


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, CLI_PAGE, content=cli_page()))
    return files
