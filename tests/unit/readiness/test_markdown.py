from __future__ import annotations

from drillctl.readiness import markdown

TEXT = """\
# Title

intro

## One

```sh
# a shell comment, not a heading
echo one
```

### Deeper

still in One

## Two

| a | b |
|---|---|
| 1 | x \\| y |
| 2 |   |

after
"""


def test_sections_skip_code_and_keep_deeper_headings_inside() -> None:
    lines = markdown.scan(TEXT)
    found = markdown.sections(lines)
    assert [(s.title, s.line) for s in found] == [("One", 5), ("Two", 16)]
    assert "still in One" in found[0].text()
    assert any(line.in_code and line.text.startswith("# a shell") for line in found[0].body)
    assert markdown.title(lines) == (1, "Title")


def test_tables_have_line_numbers_and_unescape_pipes() -> None:
    (table,) = markdown.tables(markdown.scan(TEXT))
    assert (table.line, table.columns, table.end) == (18, ["a", "b"], 21)
    assert [(r.line, r.cells) for r in table.rows] == [(20, ["1", "x | y"]), (21, ["2", ""])]


def test_render_table_pads_and_escapes() -> None:
    assert markdown.render_table(["Runbook", "x"], [["a|b", "c"]]) == [
        "| Runbook | x   |",
        "|---------|-----|",
        "| a\\|b    | c   |",
    ]


def test_an_empty_section_ignores_comments() -> None:
    (section,) = markdown.sections(markdown.scan("## Fix\n\n<!-- later -->\n\n"))
    assert section.is_empty()
