"""The scenario verbs read ``[drill] scenarios_dir`` and ``[vars]`` from the configuration layers
without the settings models; what they read must be what the models would give, and anything the
models might judge differently must go to them (None)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.config import settings_from
from drillctl.context import Context
from drillctl.core.config_layers import ScenarioInputs, read_layers, scenario_inputs


def layers_in(folder: Path, toml: str | None, env: dict[str, str], flags: dict[str, Any]) -> Any:
    if toml is not None:
        (folder / "drillctl.toml").write_text(toml, encoding="utf-8")
    (folder / "here").mkdir()
    return read_layers(config_path=None, env=env, cwd=folder / "here", overrides=flags)


CASES = {
    "nothing": (None, {}, {}),
    "file": ('[drill]\nscenarios_dir = "team"\n[vars]\nqueue = "bets"\nclients = 200\n', {}, {}),
    "absolute in file": ('[drill]\nscenarios_dir = "/srv/scenarios"\n', {}, {}),
    "float var": ("[vars]\nratio = 0.5\n", {}, {}),
    "env over file": (
        '[drill]\nscenarios_dir = "team"\n[vars]\nqueue = "bets"\n',
        {"DRILLCTL_SCENARIOS_DIR": "mine", "DRILLCTL_VAR_QUEUE": "payouts"},
        {},
    ),
    "flag over env": (
        None,
        {"DRILLCTL_DRILL_SCENARIOS_DIR": "from-env"},
        {"drill": {"scenarios_dir": Path("from-flag")}},
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_quick_read_is_what_the_settings_models_give(
    case: tuple[str | None, dict[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    layers = layers_in(tmp_path, *case)
    settings = settings_from(layers)
    quick = scenario_inputs(layers)
    assert quick == ScenarioInputs(settings.drill.scenarios_dir, dict(settings.vars))


def test_paths_are_relative_to_the_file_from_the_file_and_to_the_cwd_from_env(
    tmp_path: Path,
) -> None:
    from_file = scenario_inputs(layers_in(tmp_path, '[drill]\nscenarios_dir = "team"\n', {}, {}))
    assert from_file is not None and from_file.scenarios_dir == tmp_path / "team"
    other = tmp_path / "other"
    other.mkdir()
    from_env = scenario_inputs(layers_in(other, None, {"DRILLCTL_SCENARIOS_DIR": "mine"}, {}))
    assert from_env is not None and from_env.scenarios_dir == other / "here" / "mine"


@pytest.mark.parametrize(
    "toml",
    [
        "[vars]\nflag = true\n",  # a bool is not a number here: the models refuse it
        "[vars]\nlist = [1, 2]\n",
        "[drill]\nscenarios_dir = 5\n",
        '[drill]\nscenarios_dir = ""\n',
        'drill = "flat"\n',
        'vars = "flat"\n',
    ],
)
def test_anything_not_plainly_valid_goes_to_the_models(toml: str, tmp_path: Path) -> None:
    assert scenario_inputs(layers_in(tmp_path, toml, {}, {})) is None


def test_a_context_with_given_settings_answers_from_them(tmp_path: Path) -> None:
    layers = layers_in(tmp_path, '[vars]\nqueue = "bets"\n', {}, {})
    context = Context(settings=settings_from(layers))
    assert context.scenario_inputs() == ScenarioInputs(None, {"queue": "bets"})
    assert context.config_path == tmp_path / "drillctl.toml"


def test_list_reports_a_bad_var_where_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "drillctl.toml").write_text("[drill]\nsilence = []\n\n[vars]\nflag = true\n")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, ["list"])
    assert done.exit_code == 2
    assert f"{tmp_path / 'drillctl.toml'}:5:1: vars.flag: Input should be a valid string" in (
        done.output
    )


def test_list_leaves_sections_it_does_not_read_to_the_commands_that_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`list` reads [drill] scenarios_dir and [vars] only; `doctor` checks the whole file."""
    (tmp_path / "drillctl.toml").write_text('[sources]\nprometheus = "not a url"\n')
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["list"]).exit_code == 0
    done = CliRunner().invoke(app, ["doctor"])
    assert done.exit_code == 2
    assert "drillctl.toml:2:1: sources.prometheus" in done.output
