"""The old import paths of the modules moved in #15 are gone (no re-export shims): an import of
one fails at once rather than half-working, and the CHANGELOG names the new path of each."""

import importlib
from pathlib import Path

import pytest

CHANGELOG = Path(__file__).resolve().parents[2] / "CHANGELOG.md"
GONE = [
    "drillctl.drill",
    "drillctl.drill.engine",
    "drillctl.clock",
    "drillctl.errors",
    "drillctl.redact",
    "drillctl.timeconv",
    "drillctl.scenario.durations",
]


@pytest.mark.parametrize("old", GONE)
def test_an_old_path_no_longer_imports(old: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)


def test_the_changelog_says_where_each_old_path_went() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    for old, new in [
        ("drillctl.drill.*", "drillctl.engine"),
        ("drillctl.clock", "drillctl.core.clock"),
        ("drillctl.scenario.durations", "drillctl.core.durations"),
    ]:
        assert f"`{old}`" in text and f"`{new}`" in text, old
