"""libyaml's composer (the fast path of scenario/source.py) reads every file exactly as PyYAML's
Python composer does: the same data, the same marks, the same problems, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from drillctl.scenario import source
from drillctl.scenario.source import MAX_DEPTH, Document

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted(
    path
    for folder in ("src/drillctl/builtin", "scenarios", "examples", "tests", "compose")
    for path in (ROOT / folder).rglob("*.y*ml")
    if path.suffix in (".yaml", ".yml") and ".wheels" not in path.parts
)
TRICKY = {
    "merge keys": "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n",
    "duplicate key": "name: a\nname: b\n",
    "non-string key": "1: one\n[a]: two\n",
    "unicode columns": "name: ünïcødé ✓\nlist: [é, ü, 'ß']\n",
    "crlf": "name: x\r\nfaults:\r\n  - type: kill\r\n",
    "tab indent": "name: x\n\tfaults: []\n",
    "unclosed flow": "name: demo\nfaults: [\n  - x\n",
    "unterminated quote": "name: 'demo\n",
    "control character": "name: a\x07b\n",
    "undefined alias": "a: *nowhere\n",
    "recursive anchor": "a: &x [*x]\n",
    "big integer": "n: " + "9" * 5000 + "\n",
    "bad timestamp": "t: 99999-01-01\n",
    "deep 64": "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
    "deep 65": "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    "deep 500": "a: " + "[" * 500 + "]" * 500 + "\n",
    "laughs": "a: &a [x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c, *c]\n",
    "empty": "",
    "only a document marker": "---\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "list": "- a\n- b\n",
    "directive": "%YAML 1.1\n---\nname: x\n",
    "tags": "a: !!str 1\nb: !!binary aGk=\n",
    "nested block sequences": "a:\n- - - x\n    - y\n",
    "complex key": "? [a, b]\n: v\n",
    "too many openers": "a: [" + "-" * 3000 + "]\n",
}


def read(text: str, fast: bool) -> tuple[str, str, str, list[str]]:
    doc, problems = source._compose(text, Document("f.yaml"), fast=fast)
    # repr: NaN (.nan) is not equal to itself
    return repr(doc.data), repr(doc.values), repr(doc.keys), [str(p) for p in problems]


def test_libyaml_is_there() -> None:
    """The fast path is real on this machine, so the comparisons below compare two composers."""
    assert source._C_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_file_of_the_repository_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert read(text, fast=True) == read(text, fast=False)


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_a_tricky_file_reads_the_same(text: str) -> None:
    assert read(text, fast=True) == read(text, fast=False)


def test_a_scenario_goes_the_fast_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above would pass if the fast path were never taken: it is, for a scenario."""
    text = (ROOT / "scenarios" / "bullmq-backpressure.yaml").read_text(encoding="utf-8")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("composed by PyYAML's Python composer")

    monkeypatch.setattr(source._Loader, "compose_node", refuse)
    doc, problems = source._compose(text, Document("f.yaml"))
    assert problems == []
    assert doc.data["name"] == "bullmq-backpressure"
