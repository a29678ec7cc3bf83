"""Discovery: built-ins, the team folder (which wins on a name clash), and file paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from builtin_names import BUILTIN_SCENARIOS
from scenario_samples import VALID

from drillctl.core.errors import ConfigError, DrillError, ScenarioError
from drillctl.scenario.catalog import Catalog, builtin_dir
from drillctl.scenario.loader import faults_of

BUILTINS = BUILTIN_SCENARIOS


def write(folder: Path, file: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file
    path.write_text(text, encoding="utf-8")
    return path


def named(name: str, text: str = VALID) -> str:
    return text.replace("name: demo", f"name: {name}")


def test_builtins_ship_inside_the_package() -> None:
    folder = builtin_dir()
    assert folder.parts[-3:] == ("drillctl", "builtin", "scenarios")
    assert sorted(p.stem for p in folder.glob("*.yaml")) == BUILTINS


def test_listing_without_a_team_folder_is_the_builtins() -> None:
    listing = Catalog(None).listing()
    assert listing.problems == []
    assert [s.scenario.name for s in listing.scenarios] == BUILTINS
    assert {s.source for s in listing.scenarios} == {"built-in"}


def test_team_files_are_listed_and_one_named_like_a_builtin_replaces_it(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, "mine.yml", named("team-drill"))
    override = write(team, "flush.yaml", named("redis-cache-flush"))
    listing = Catalog(team).listing()
    assert listing.problems == []
    by_name = {s.scenario.name: s for s in listing.scenarios}
    assert sorted(by_name) == sorted([*BUILTINS, "team-drill"])
    flush = by_name["redis-cache-flush"]
    assert (flush.origin, flush.overrides_builtin) == ("custom", True)
    assert flush.source == f"{override} (overrides built-in)"
    assert faults_of(flush.scenario)[0].type == "stop-service"  # type: ignore[attr-defined]
    assert by_name["team-drill"].source == str(team / "mine.yml")


def test_load_by_name_prefers_the_team_file(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, "whatever-file-name.yaml", named("redis-cache-flush"))
    loaded = Catalog(team).load("redis-cache-flush")
    assert loaded.origin == "custom" and loaded.overrides_builtin
    builtin = Catalog(None).load("redis-cache-flush")
    assert builtin.origin == "built-in" and builtin.path == builtin_dir() / "redis-cache-flush.yaml"


def test_load_by_path(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", named("by-path"))
    loaded = Catalog(None).load(str(path))
    assert (loaded.scenario.name, loaded.origin, loaded.path) == ("by-path", "file", path)


def test_load_by_name_passes_variables_and_sets(tmp_path: Path) -> None:
    catalog = Catalog(None, variables={"api_service": "api"})
    loaded = catalog.load("bullmq-backpressure", [])
    assert faults_of(loaded.scenario)[0].service == "api"  # type: ignore[attr-defined]


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(DrillError) as caught:
        Catalog(None).load("bullmq")
    assert caught.value.message == "no scenario named 'bullmq'"
    assert caught.value.hint == f"known: {', '.join(BUILTINS)}"


def test_a_missing_team_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scenario folder not found"):
        Catalog(tmp_path / "nope").listing()


def test_duplicate_names_in_one_folder(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, "a.yaml", named("same"))
    write(team, "b.yaml", named("same"))
    listing = Catalog(team).listing()
    assert [str(p) for p in listing.problems] == [
        f"{team / 'b.yaml'}:1:7: name: duplicate scenario name 'same':"
        " a.yaml in the same folder has it"
    ]
    with pytest.raises(ScenarioError, match="duplicate scenario name 'same'"):
        Catalog(team).load("same")


def test_unreadable_and_invalid_files_are_reported_and_the_rest_listed(
    tmp_path: Path,
) -> None:
    team = tmp_path / "team"
    write(team, "good.yaml", named("good"))
    write(team, "broken.yaml", "name: [\n")
    (team / "folder.yaml").mkdir()
    (team / "dangling.yml").symlink_to(tmp_path / "gone.yaml")
    write(team, "notes.txt", "not a scenario")
    write(team, ".hidden.yaml", "ignored: true")
    listing = Catalog(team).listing()
    assert "good" in [s.scenario.name for s in listing.scenarios]
    assert sorted(str(p) for p in listing.problems) == [
        f"{team / 'broken.yaml'}:2:1: not valid YAML: while parsing a flow node,"
        " expected the node content, but found '<stream end>'",
        f"{team / 'dangling.yml'}:1:1: cannot read: No such file or directory",
        f"{team / 'folder.yaml'}:1:1: cannot read: Is a directory",
    ]


def test_a_broken_file_named_like_the_scenario_explains_itself(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, "mine.yaml", "name: mine\nseverity: [\n")
    with pytest.raises(ScenarioError, match=r"mine\.yaml:3:1: not valid YAML"):
        Catalog(team).load("mine")


def test_other_broken_files_do_not_stop_a_lookup(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, "broken.yaml", "name: [\n")
    assert Catalog(team).load("bullmq-backpressure").origin == "built-in"
