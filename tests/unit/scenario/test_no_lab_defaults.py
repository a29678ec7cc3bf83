"""A team's scenario inherits nothing of the lab: the lab's names live in the built-in files."""

from __future__ import annotations

from pathlib import Path

import pytest

from drillctl.scenario.catalog import builtin_dir, scenario_files
from drillctl.scenario.loader import load_path

LAB_DASHBOARDS = ["ebit-perf-test", "perf-system"]


@pytest.mark.parametrize("path", scenario_files(builtin_dir()), ids=lambda p: p.stem)
def test_the_built_in_scenarios_name_the_lab_dashboards(path: Path) -> None:
    scenario, _ = load_path(path)
    assert scenario.dashboards == LAB_DASHBOARDS


def test_a_scenario_without_dashboards_gets_none(tmp_path: Path) -> None:
    text = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")
    mine = tmp_path / "team.yaml"
    mine.write_text(text.replace("dashboards: [ebit-perf-test, perf-system]\n", ""), "utf-8")
    scenario, _ = load_path(mine)
    assert scenario.dashboards == []
