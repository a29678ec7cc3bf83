from __future__ import annotations

from pathlib import Path

import pytest

from drillctl.config import load_settings
from drillctl.core.config_layers import find_config
from drillctl.core.errors import ConfigError

TOML = """
[project]
dir = "compose"
files = ["compose.yaml"]
name = "from-toml"

[sources]
prometheus = "http://toml:9090"

[drill]
scenarios_dir = "team-scenarios"
runbooks_dir = "runbooks"

[vars]
queue = "toml-queue"
api_service = "toml-api"
clients = 200
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "drillctl.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    return tmp_path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.config_path is None
    assert settings.project.name is None and settings.project.driver == "compose"
    assert settings.drill.poll_interval == "1s" and settings.drill.max_duration == "15m"
    assert settings.vars == {}


def test_the_file_is_found_in_a_parent_folder_and_its_paths_are_relative_to_it(
    project: Path,
) -> None:
    settings = load_settings(env={}, cwd=project / "sub" / "deeper")
    assert settings.config_path == project / "drillctl.toml"
    assert settings.project.dir == project / "compose"
    assert settings.project.files == [Path("compose.yaml")]  # relative to project.dir
    assert settings.drill.scenarios_dir == project / "team-scenarios"
    assert settings.drill.runbooks_dir == project / "runbooks"
    assert settings.sources.prometheus == "http://toml:9090"


def test_env_overrides_the_file_and_flags_override_env(project: Path) -> None:
    env = {
        "DRILLCTL_PROJECT_NAME": "from-env",
        "DRILLCTL_SOURCES_PROMETHEUS": "http://env:9090",
        "DRILLCTL_PROJECT_PROFILES": "smoke,full-observability",
    }
    settings = load_settings(env=env, cwd=project, overrides={"project": {"name": "from-flag"}})
    assert settings.project.name == "from-flag"
    assert settings.sources.prometheus == "http://env:9090"
    assert settings.project.profiles == ["smoke", "full-observability"]


def test_a_flag_left_unset_does_not_erase_a_lower_layer(project: Path) -> None:
    overrides = {"project": {"name": None, "files": None}, "drill": {"state_dir": None}}
    settings = load_settings(env={}, cwd=project, overrides=overrides)
    assert settings.project.name == "from-toml"
    assert settings.project.files == [Path("compose.yaml")]


def test_unset_flags_without_any_file_leave_the_defaults(tmp_path: Path) -> None:
    # what the CLI passes when no flag is given and no drillctl.toml exists
    overrides = {
        "project": {"dir": None, "files": None, "name": None},
        "drill": {"state_dir": None, "scenarios_dir": None},
    }
    settings = load_settings(env={}, cwd=tmp_path, overrides=overrides)
    assert settings.project.files == [] and settings.project.name is None
    assert settings.drill.scenarios_dir is None


def test_vars_precedence_env_over_toml_and_numbers_are_text(project: Path) -> None:
    env = {"DRILLCTL_VAR_QUEUE": "env-queue", "DRILLCTL_VAR_NEW_ONE": "x"}
    settings = load_settings(env=env, cwd=project)
    assert settings.vars == {
        "queue": "env-queue",  # DRILLCTL_VAR_QUEUE names the variable `queue`
        "api_service": "toml-api",
        "clients": "200",
        "new_one": "x",
    }


def test_short_aliases_for_the_two_dirs_people_set_most(project: Path) -> None:
    env = {"DRILLCTL_STATE_DIR": "/var/drills", "DRILLCTL_SCENARIOS_DIR": "/srv/scenarios"}
    settings = load_settings(env=env, cwd=project)
    assert settings.drill.state_dir == Path("/var/drills")
    assert settings.drill.scenarios_dir == Path("/srv/scenarios")


def test_relative_paths_from_env_and_flags_mean_the_current_directory(project: Path) -> None:
    cwd = project / "sub"
    settings = load_settings(
        env={"DRILLCTL_SCENARIOS_DIR": "mine"},
        cwd=cwd,
        overrides={"drill": {"state_dir": Path("st")}},
    )
    assert settings.drill.scenarios_dir == cwd / "mine"
    assert settings.drill.state_dir == cwd / "st"
    assert settings.project.dir == project / "compose"  # from the file: relative to the file


def test_unrelated_environment_variables_are_ignored(project: Path) -> None:
    env = {"DRILLCTL_CONFIG_X": "1", "DRILLCTL_NOPE_FIELD": "1", "HOME": "/root", "DRILLCTL_": ""}
    assert load_settings(env=env, cwd=project).project.name == "from-toml"


def test_explicit_config_path_and_drillctl_config_env(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("other") / "alt.toml"
    other.write_text('[project]\nname = "alt"\n', encoding="utf-8")
    assert load_settings(config_path=other, env={}, cwd=project).project.name == "alt"
    assert load_settings(env={"DRILLCTL_CONFIG": str(other)}, cwd=project).project.name == "alt"
    assert find_config(None, {}, project / "sub") == project / "drillctl.toml"


def test_a_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(config_path=tmp_path / "nope.toml", env={}, cwd=tmp_path)


def test_a_broken_toml_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "drillctl.toml").write_text("[project\nname = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"drillctl\.toml"):
        load_settings(env={}, cwd=tmp_path)


def test_an_unknown_key_is_an_error_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "drillctl.toml").write_text('[sources]\nprometheus_url = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\.prometheus_url: Extra inputs"):
        load_settings(env={}, cwd=tmp_path)


def test_a_bad_env_value_names_the_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"environment: drill\.blind_sets"):
        load_settings(env={"DRILLCTL_DRILL_BLIND_SETS": "x"}, cwd=tmp_path)


def test_project_dir_reads_that_folders_config_from_anywhere(tmp_path: Path) -> None:
    shop, elsewhere = tmp_path / "shop", tmp_path / "elsewhere"
    shop.mkdir()
    elsewhere.mkdir()
    (shop / "drillctl.toml").write_text(TOML, encoding="utf-8")
    (elsewhere / "drillctl.toml").write_text('[project]\nname = "elsewhere"\n', encoding="utf-8")
    flags = {"project": {"dir": Path("../shop")}}
    settings = load_settings(env={}, cwd=elsewhere, overrides=flags)
    assert settings.config_path == elsewhere / "../shop" / "drillctl.toml"
    assert settings.project.name == "from-toml"
    assert settings.sources.prometheus == "http://toml:9090"
    assert settings.project.dir == elsewhere / "../shop"  # the flag still names the project


def test_project_dir_without_a_config_falls_back_to_the_usual_search(tmp_path: Path) -> None:
    (tmp_path / "drillctl.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "bare").mkdir()
    settings = load_settings(env={}, cwd=tmp_path, overrides={"project": {"dir": Path("bare")}})
    assert settings.config_path == tmp_path / "drillctl.toml"
