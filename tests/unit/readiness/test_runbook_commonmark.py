"""Runbooks are read as CommonMark reads them: setext headings, HTML blocks, nested fences, a BOM,
CRLF, and every spelling of the TBD placeholder; duplicate sections flagged at their own line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RUNBOOKS

from drillctl.core.errors import ScenarioError
from drillctl.readiness import markdown
from drillctl.readiness.lint import lint_runbook

SEED = (RUNBOOKS / "bullmq-backpressure.md").read_text(encoding="utf-8")


def _lint(tmp_path: Path, text: str | bytes) -> list[tuple[int, str]]:
    path = tmp_path / "r.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return [(f.line, f.code) for f in lint_runbook(path)]


def test_the_seed_runbook_with_a_bom_and_crlf_is_still_clean(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + SEED.replace("\n", "\r\n").encode("utf-8")
    assert _lint(tmp_path, raw) == []


def test_a_runbook_that_is_not_utf8_is_a_located_refusal(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"r\.md:2:4: not UTF-8 text: byte 0xe9 at offset 11"):
        _lint(tmp_path, b"# Title\ncaf\xe9\n")


@pytest.mark.parametrize("spelling", ["{{ TBD }}", "{{tbd}}", "{{TBD: owner}}", "{{ Tbd - who? }}"])
def test_every_spelling_of_the_placeholder_is_flagged_at_its_line(
    tmp_path: Path, spelling: str
) -> None:
    text = SEED.replace("## Prevention\n", f"## Prevention\n\n{spelling} write this\n", 1)
    line = text.splitlines().index(f"{spelling} write this") + 1
    assert _lint(tmp_path, text) == [(line, "placeholder")]


def test_a_duplicate_section_is_flagged_at_the_second_heading(tmp_path: Path) -> None:
    text = SEED + "\n## Fix\n\nAgain, roll back.\n"
    line = len(SEED.splitlines()) + 2
    assert _lint(tmp_path, text) == [(line, "duplicate-section")]


def test_setext_headings_are_headings() -> None:
    lines = markdown.scan("Title\n=====\n\nSymptom\n-------\n\ntext\n")
    assert markdown.title(lines) == (1, "Title")
    (section,) = markdown.sections(lines)
    assert (section.title, section.line, section.text().strip()) == ("Symptom", 4, "text")


def test_a_heading_inside_an_html_block_or_a_nested_fence_is_not_a_heading() -> None:
    text = (
        "# T\n\n<details>\n## Not a section\n</details>\n\n"
        "````md\n```sh\n## still code\n```\n````\n\n## Real\n\nbody\n"
    )
    lines = markdown.scan(text)
    assert [(s.title, s.line) for s in markdown.sections(lines)] == [("Real", 13)]
    assert [line.number for line in lines if line.in_code] == [7, 8, 9, 10, 11]


def test_a_section_of_only_an_html_comment_is_empty() -> None:
    (section,) = markdown.sections(markdown.scan("## Fix\n\n<!--\nlater\n-->\n"))
    assert section.is_empty()


def test_a_table_inside_a_code_block_is_not_a_table() -> None:
    text = (
        "```\n| Tier | Who |\n|---|---|\n| 1 | a |\n```\n\n| Tier | Who |\n|---|---|\n| 2 | b |\n"
    )
    assert [t.line for t in markdown.tables(markdown.scan(text))] == [7]
