"""Reading YAML into data with marks: every bad file is a located problem, never an exception."""

from __future__ import annotations

from drillctl.scenario.source import MAX_BYTES, Mark, format_path, parse_document


def parse(text: str | bytes) -> tuple[object, list[str]]:
    raw = text.encode() if isinstance(text, str) else text
    doc, problems = parse_document(raw, "f.yaml")
    return doc.data, [str(p) for p in problems]


def test_values_and_keys_are_indexed_by_path_with_1_based_marks() -> None:
    doc, problems = parse_document(b"a: 1\nb:\n  c: [x, 2]\n", "f.yaml")
    assert problems == []
    assert doc.data == {"a": 1, "b": {"c": ["x", 2]}}
    assert doc.values[("a",)] == Mark(1, 4)
    assert doc.keys[("b", "c")] == Mark(3, 3)
    assert doc.values[("b", "c", 1)] == Mark(3, 10)
    assert doc.mark_for(("b", "c", 7, "zzz")) == Mark(3, 6)  # deepest ancestor in the file


def test_not_yaml_names_line_and_column() -> None:
    data, problems = parse("name: demo\nfaults: [\n  - x\n")
    assert data is None
    assert problems == [
        "f.yaml:3:3: not valid YAML: while parsing a flow node, "
        "expected the node content, but found '-'"
    ]


def test_unterminated_quote() -> None:
    _, problems = parse("name: 'demo\n")
    assert problems == [
        "f.yaml:2:1: not valid YAML: while scanning a quoted scalar, found unexpected end of stream"
    ]


def test_yaml_that_is_not_a_mapping() -> None:
    assert parse("- a\n- b\n")[1] == [
        "f.yaml:1:1: expected a mapping of scenario fields, got a list"
    ]
    assert parse("just words\n")[1] == [
        "f.yaml:1:1: expected a mapping of scenario fields, got a single value ('just words')"
    ]


def test_empty_and_comment_only_files() -> None:
    for text in ("", "\n\n", "# nothing yet\n", "---\n"):
        assert parse(text)[1] == ["f.yaml:1:1: empty file: expected a scenario mapping"], text


def test_huge_file_is_refused_before_parsing() -> None:
    raw = b"name: x\n" + b"#" * MAX_BYTES
    assert parse(raw)[1] == [
        f"f.yaml:1:1: file is {len(raw)} bytes, over the {MAX_BYTES}-byte limit"
    ]


def test_not_utf8_points_at_the_bad_byte() -> None:
    assert parse(b"name: demo\ntitle: caf\xe9\n")[1] == [
        "f.yaml:2:11: not UTF-8 text: byte 0xe9 at offset 21 cannot be decoded"
    ]


def test_control_character() -> None:
    assert parse("name: demo\ntitle: a\x01b\n")[1] == [
        "f.yaml:2:9: not valid YAML: character #x0001 is not allowed"
    ]


def test_several_documents() -> None:
    _, problems = parse("name: a\n---\nname: b\n")
    assert problems == [
        "f.yaml:2:1: not valid YAML: "
        "expected a single document in the stream, but found another document"
    ]


def test_duplicate_keys_are_problems_not_silently_last_wins() -> None:
    data, problems = parse("name: a\ntitle: t\nname: b\n")
    assert problems == ["f.yaml:3:1: name: duplicate key 'name' (first defined at line 1)"]
    assert data == {"name": "a", "title": "t"}


def test_non_string_keys() -> None:
    _, problems = parse("name: a\n1: x\n[a]: y\n")
    assert problems == [
        "f.yaml:2:1: keys must be strings, got '1'",
        "f.yaml:3:1: keys must be strings, got a list or mapping",
    ]


def test_unknown_tags_are_refused() -> None:
    _, problems = parse("name: !!python/object:os.system x\n")
    assert len(problems) == 1 and problems[0].startswith(
        "f.yaml:1:7: not valid YAML: could not determine a constructor"
    )


def test_merge_keys_work_and_own_keys_win() -> None:
    data, problems = parse("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n")
    assert problems == []
    assert data == {"base": {"x": 1, "y": 2}, "c": {"x": 3, "y": 2}}


def test_recursive_anchor_is_refused() -> None:
    assert parse("a: &x [*x]\n")[1] == [
        "f.yaml:1:1: file too complex: nested deeper than 64 levels"
    ]


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    _, problems = parse("\n".join(lines) + "\n")
    assert problems == [
        "f.yaml:1:1: file too complex: more than 100000 values (are aliases expanding?)"
    ]


def test_deep_nesting_is_refused() -> None:
    assert parse("a: " + "[" * 1500 + "]" * 1500 + "\n")[1] == [
        "f.yaml:1:1: file too complex: nested deeper than 64 levels"
    ]


def test_format_path_matches_the_set_syntax() -> None:
    assert format_path(("faults", 0, "duration")) == "faults[0].duration"
    assert format_path(("expect", "alerts", 1, "within")) == "expect.alerts[1].within"
    assert format_path(()) == ""
