"""``drillctl suite`` on the command line: choosing and validating the scenarios before anything
runs, per-scenario --set, the report files, the exit code and the one Slack message."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from builtin_names import COMPOSE_SUITE
from pytest_httpserver import HTTPServer
from test_suite_fakes import T0, summary
from typer.testing import CliRunner, Result

from drillctl.cli import suite_cmd
from drillctl.cli.app import app
from drillctl.commands.regression import Regression, Tolerance
from drillctl.commands.suite_report import ScenarioRun, SuiteResult
from drillctl.core.errors import ScenarioError
from drillctl.scenario.catalog import Catalog

NAMES = COMPOSE_SUITE


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """run_suite replaced: records what the CLI asked for and answers a passing suite."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    (tmp_path / "drillctl.toml").write_text('[project]\nname = "ebit-lab"\n')
    seen: list[dict[str, Any]] = []

    def fake(context: Any, loaded: Any, options: Any, out_dir: Path, **kw: Any) -> SuiteResult:
        seen.append({"loaded": loaded, "options": options, "out_dir": out_dir, **kw})
        result = SuiteResult(kw["suite_id"], "ebit-lab", T0, fail_on_regression=False)
        for item in loaded:
            run_dir = context.runs_dir / f"run-{item.scenario.name}"
            run_dir.mkdir(parents=True)
            (run_dir / "journal.jsonl").write_text("{}\n")
            code = 1 if item.scenario.name == "redis-cache-flush" else 0
            result.runs.append(
                ScenarioRun(item.scenario.name, code, summary(item.scenario.name, code), run_dir)
            )
        result.runs[0].regressions = [
            Regression(
                scenario=NAMES[0],
                metric="detect_s",
                kind="slower",
                runs=3,
                message="time to detect 12.0s, 100% slower",
            )
        ]
        result.ended_at = T0
        return result

    monkeypatch.setattr("drillctl.commands.suite.run_suite", fake)  # suite imports it on use
    return seen


def drillctl(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["--state-dir", str(tmp_path / "state"), "suite", *args], env={"COLUMNS": "200"}
    )


def test_nothing_chosen_is_a_usage_error(tmp_path: Path, calls: list[Any]) -> None:
    result = drillctl(tmp_path)
    assert result.exit_code == 2 and "name the scenarios to run, or --all" in result.output
    assert calls == []


def test_every_scenario_is_validated_with_its_sets_before_anything_runs(
    tmp_path: Path, calls: list[Any]
) -> None:
    result = drillctl(tmp_path, "--all", "--set", "faults[0].duration=soon")
    assert result.exit_code == 2, result.output
    assert "bullmq-backpressure.yaml" in result.output and "faults[0].duration" in result.output
    assert calls == []  # no lab, no drill


def test_an_unknown_scenario_prefix_and_a_bad_tolerance_are_refused(
    tmp_path: Path, calls: list[Any]
) -> None:
    result = drillctl(tmp_path, "ws-handshake-storm", "--set", "ws-storm:baseline=5s")
    assert result.exit_code == 2 and "'ws-storm' is not one of the chosen" in result.output
    result = drillctl(tmp_path, "--all", "--tolerance", "fast")
    assert result.exit_code == 2 and "expected a percentage" in result.output
    assert calls == []


def test_scoped_sets_apply_to_their_scenario_only() -> None:
    loaded = suite_cmd.load_all(
        Catalog(None),
        NAMES,
        ["baseline=10s", "signin-failure-spike:faults[0].duration=45s"],
    )
    by_name = {x.scenario.name: x.scenario for x in loaded}
    assert all(s.baseline.total_seconds() == 10 for s in by_name.values())
    durations = {n: s.faults[0].duration for n, s in by_name.items()}  # type: ignore[attr-defined]
    assert durations["signin-failure-spike"].total_seconds() == 45
    assert durations["bullmq-backpressure"].total_seconds() == 60


def test_a_field_one_scenario_lacks_names_that_scenario() -> None:
    with pytest.raises(
        ScenarioError, match=r"bullmq-backpressure\.yaml:\d+:\d+: faults\[0\]\.clients"
    ):
        suite_cmd.load_all(Catalog(None), NAMES, ["faults[0].clients=5"])


def test_all_runs_every_scenario_and_writes_the_reports(tmp_path: Path, calls: list[Any]) -> None:
    out = tmp_path / "artefacts"
    result = drillctl(
        tmp_path, "--all", "--set", "baseline=10s", "--junit", str(tmp_path / "junit.xml"),
        "--json", str(tmp_path / "suite.json"), "--report-dir", str(out),
        "--tolerance", "detect=30%", "--fail-on-regression", "--settle-timeout", "90s",
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # redis-cache-flush failed
    (call,) = calls
    assert [x.scenario.name for x in call["loaded"]] == NAMES
    assert call["lab"] is None and call["out_dir"] == out
    options = call["options"]
    assert options.tolerance == Tolerance(per_metric={"detect": 0.3})
    assert options.fail_on_regression and options.settle_timeout == 90.0
    assert (tmp_path / "junit.xml").read_text() == (out / "junit.xml").read_text()
    data = json.loads((tmp_path / "suite.json").read_text())
    assert [s["scenario"] for s in data["scenarios"]] == NAMES
    assert sorted(p.name for p in (out / "runs").iterdir()) == [f"run-{n}" for n in NAMES]
    assert "regression: bullmq-backpressure: time to detect 12.0s" in result.output
    assert "suite " in result.output and "failed (exit 1)" in result.output


def test_default_report_dir_is_in_the_state_dir(tmp_path: Path, calls: list[Any]) -> None:
    result = drillctl(tmp_path, "ws-handshake-storm")
    assert result.exit_code == 0, result.output
    (suite_dir,) = (tmp_path / "state" / "suites").iterdir()
    assert calls[0]["out_dir"] == suite_dir and calls[0]["suite_id"] == suite_dir.name
    assert {p.name for p in suite_dir.iterdir()} == {"junit.xml", "suite.json", "suite.slack.txt"}


def test_lab_makes_the_suite_bring_the_lab_up(tmp_path: Path, calls: list[Any]) -> None:
    assert drillctl(tmp_path, "ws-handshake-storm", "--lab").exit_code == 0
    assert calls[0]["lab"].project_name == "ebit-lab"


def test_one_slack_message_for_the_whole_suite(
    tmp_path: Path, calls: list[Any], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/services/T0/B0/secret", method="POST").respond_with_data("ok")
    webhook = httpserver.url_for("/services/T0/B0/secret")
    result = drillctl(tmp_path, "--all", "--slack-webhook", webhook)
    assert result.exit_code == 1, result.output
    (request, _), *more = httpserver.log
    assert more == []
    text = request.get_json()["text"]
    assert text.startswith("*Chaos drill suite on ebit-lab: FAILED* (5/6 passed")
    assert all(name in text for name in NAMES)
    assert "time to detect 12.0s" in text
    assert webhook not in result.output


def test_a_slack_webhook_refusal_is_a_warning(
    tmp_path: Path, calls: list[Any], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("no_service", status=404)
    result = drillctl(
        tmp_path, "ws-handshake-storm", "--slack-webhook", httpserver.url_for("/hook")
    )
    assert result.exit_code == 0
    assert "Slack webhook refused the message: HTTP 404 no_service" in result.output


def test_all_refuses_a_broken_team_scenario(tmp_path: Path, calls: list[Any]) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "broken.yaml").write_text("name: broken\nbaseline: soon\n")
    result = CliRunner().invoke(
        app,
        ["--state-dir", str(tmp_path / "state"), "--scenarios-dir", str(team), "suite", "--all"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2 and "broken.yaml" in result.output
    assert calls == []
