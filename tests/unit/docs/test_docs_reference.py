"""The reference pages are generated from the code; a committed page that differs is stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drillctl import docs_gen
from drillctl.docs_gen.notes import FIELD_NOTES, check_notes
from drillctl.docs_gen.pages import documented_models
from drillctl.scenario.loader import load_bytes

DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return docs_gen.pages()


def test_the_committed_reference_pages_match_the_code(pages: dict[str, str]) -> None:
    stale = [rel for rel, text in pages.items() if _committed(rel) != text]
    assert stale == [], (
        f"stale generated docs: {', '.join(stale)}; "
        "run `.venv/bin/python -m drillctl.docs_gen` and commit docs/reference/"
    )


def _committed(rel: str) -> str | None:
    path = DOCS / rel
    return path.read_text(encoding="utf-8") if path.is_file() else None


def test_every_field_note_names_a_field_that_exists() -> None:
    assert check_notes(documented_models()) == []
    assert FIELD_NOTES  # the lookup is exercised, not empty


def test_every_scenario_and_fault_field_has_a_meaning(pages: dict[str, str]) -> None:
    for rel in ("reference/scenario.md", "reference/faults.md", "reference/configuration.md"):
        empty = [line for line in pages[rel].splitlines() if line.endswith("|  |")]
        assert empty == [], f"{rel}: fields without a meaning: {empty}"


def test_the_scenario_reference_lists_every_field_of_the_models(pages: dict[str, str]) -> None:
    page = pages["reference/scenario.md"]
    for model in documented_models():
        if model.__module__ != "drillctl.scenario.model" and model.__name__ != "Scenario":
            continue
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in page, f"{model.__name__}.{name} missing"


def test_write_rewrites_only_the_stale_pages(tmp_path: Path) -> None:
    docs_gen.write(tmp_path)
    (tmp_path / "reference" / "faults.md").write_text("old\n")
    assert docs_gen.stale(tmp_path) == ["reference/faults.md"]
    assert docs_gen.write(tmp_path) == ["reference/faults.md"]
    assert docs_gen.stale(tmp_path) == []


EXAMPLE = re.compile(r"```yaml\n(# drillctl scenario\n.*?)```", re.DOTALL)


def test_every_full_scenario_example_in_the_guide_is_valid() -> None:
    examples = [
        (page, match.group(1))
        for page in sorted(DOCS.glob("*.md"))
        for match in EXAMPLE.finditer(page.read_text(encoding="utf-8"))
    ]
    assert examples, "the guide should carry at least one complete scenario"
    for page, text in examples:
        scenario, _doc = load_bytes(text.encode(), str(page))
        assert scenario.faults
