"""Catalog.summaries (what `list` shows): the built-ins read without validation say what their
validated models say; the team's files are validated, and one named like a built-in replaces it."""

from __future__ import annotations

from pathlib import Path

from scenario_samples import VALID

from drillctl.scenario.catalog import Catalog, Summary


def test_a_builtin_read_says_what_its_validated_model_says() -> None:
    read, problems = Catalog(None).summaries()
    validated = [Summary.of(item) for item in Catalog(None).listing().scenarios]
    assert problems == []
    assert read == validated


def test_team_files_are_validated_and_replace_builtins_of_their_name(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "flush.yaml").write_text(VALID.replace("name: demo", "name: redis-cache-flush"))
    (team / "bad.yaml").write_text(VALID.replace("severity: P2", "severity: P9"))
    found, problems = Catalog(team).summaries()
    flush = next(s for s in found if s.name == "redis-cache-flush")
    assert (flush.origin, flush.overrides_builtin) == ("custom", True)
    assert flush.faults == ["stop-service"]
    assert flush.source == f"{team / 'flush.yaml'} (overrides built-in)"
    assert "demo" not in {s.name for s in found}  # the invalid file is a problem, not a row
    assert [(p.file, p.path) for p in problems] == [(str(team / "bad.yaml"), "severity")]
