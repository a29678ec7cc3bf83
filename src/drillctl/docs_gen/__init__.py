"""Generate the reference pages of the user guide from the code, so they cannot drift.

    python -m drillctl.docs_gen            # rewrite docs/reference/*.md
    python -m drillctl.docs_gen --check    # exit 1 and name the stale pages

Sources: the scenario models (``drillctl.scenario.model``), each built-in fault's parameters model
and module docstring (``drillctl.faults.*``), the configuration models (``drillctl.config``), the
journal's event vocabulary (``drillctl.core.journal``). The CLI reference is built with the site
(``mkdocs_hook``): it changes with every new flag and is never committed.
A test fails when a committed page differs from what this package generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from drillctl.docs_gen.notes import check_notes
from drillctl.docs_gen.pages import (
    config_page,
    documented_models,
    faults_page,
    journal_page,
    scenario_page,
)

REFERENCE_DIR = "reference"


def pages() -> dict[str, str]:
    """Every generated page, by path relative to ``docs/``."""
    unknown = check_notes(documented_models())
    if unknown:
        raise RuntimeError(f"docs_gen/notes.py names fields the models lack: {', '.join(unknown)}")
    return {
        f"{REFERENCE_DIR}/scenario.md": scenario_page(),
        f"{REFERENCE_DIR}/faults.md": faults_page(),
        f"{REFERENCE_DIR}/configuration.md": config_page(),
        f"{REFERENCE_DIR}/journal.md": journal_page(),
    }


def stale(docs_dir: Path) -> list[str]:
    """Generated pages whose committed text differs from what the code generates now."""
    return [
        rel
        for rel, text in pages().items()
        if not (docs_dir / rel).is_file() or (docs_dir / rel).read_text(encoding="utf-8") != text
    ]


def write(docs_dir: Path) -> list[str]:
    changed = stale(docs_dir)
    for rel, text in pages().items():
        if rel in changed:
            (docs_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs_dir / rel).write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    docs_dir = Path(__file__).resolve().parents[3] / "docs"
    if "--check" in argv:
        old = stale(docs_dir)
        for rel in old:
            sys.stderr.write(f"stale: docs/{rel} (run: python -m drillctl.docs_gen)\n")
        return 1 if old else 0
    for rel in write(docs_dir):
        sys.stderr.write(f"wrote docs/{rel}\n")
    return 0
