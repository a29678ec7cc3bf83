from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import RUNBOOKS, Invoke

from drillctl.core.errors import DrillError
from drillctl.readiness import index
from drillctl.readiness.lint import lint_path
from drillctl.readiness.runbooks import new_runbook
from drillctl.readiness.template import DEFAULT_TEMPLATE, SECTIONS
from drillctl.scenario.catalog import Catalog


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the repository's runbooks (new_runbook writes into it)."""
    return Path(shutil.copytree(RUNBOOKS, tmp_path / "runbooks"))


def _index_files(folder: Path) -> list[str]:
    return [e.file for e in index.read_entries(folder / "README.md")]


def test_the_team_template_is_the_default_template() -> None:
    assert (RUNBOOKS / "_template.md").read_text() == DEFAULT_TEMPLATE


def test_new_runbook_has_every_section_and_is_indexed_in_order(folder: Path) -> None:
    made = new_runbook(folder, "postgres-disk-full")
    text = made.path.read_text()
    assert text.startswith("# Postgres disk full\n")
    assert [f"## {s}" in text for s in SECTIONS] == [True] * 5
    assert _index_files(folder) == [
        "bullmq-backpressure.md",
        "cache-partition.md",
        "postgres-disk-full.md",
        "postgres-latency.md",
        "redis-cache-flush.md",
        "replica-loss.md",
        "signin-failure-spike.md",
        "ws-handshake-storm.md",
    ]
    readme = (folder / "README.md").read_text()
    assert (
        readme.startswith("# Runbooks\n")
        and "| [postgres-disk-full](postgres-disk-full.md)" in readme
    )
    codes = {f.code for f in lint_path(folder)}
    assert codes == {"placeholder"}  # only the author's part is left


def test_rewriting_the_index_keeps_the_text_around_the_table(folder: Path) -> None:
    readme = folder / "README.md"
    readme.write_text(readme.read_text() + "\nFooter kept.\n")
    new_runbook(folder, "a-first")
    text = readme.read_text()
    assert text.endswith("\nFooter kept.\n")
    assert _index_files(folder)[0] == "a-first.md"
    assert text.count("| Runbook") == 1


def test_a_new_index_is_created_when_there_is_none(tmp_path: Path) -> None:
    new_runbook(tmp_path, "b-second")
    new_runbook(tmp_path, "a-first")
    assert _index_files(tmp_path) == ["a-first.md", "b-second.md"]


def test_an_existing_runbook_is_not_overwritten_without_asking(folder: Path) -> None:
    before = (folder / "redis-cache-flush.md").read_text()
    with pytest.raises(DrillError, match="exists"):
        new_runbook(folder, "redis-cache-flush")
    assert (folder / "redis-cache-flush.md").read_text() == before


def test_bad_names_are_refused(folder: Path) -> None:
    with pytest.raises(DrillError, match="lowercase"):
        new_runbook(folder, "../escape")


def test_from_a_scenario_the_known_parts_are_filled(folder: Path) -> None:
    scenario = Catalog(None).load("signin-failure-spike").scenario
    made = new_runbook(folder, "admin-locked-out", scenario=scenario)
    text = made.path.read_text()
    assert text.startswith(f"# {scenario.title}\n")
    assert "Alerts: `AdminSignInFailureSpike`." in text
    assert "- ebit-api was recreated with a wrong ADMIN_DEFAULT_PASSWORD" in text
    assert "`signin_failure_ratio` (prometheus)" in text
    assert "symptom when at or below 0.2x the baseline for 5s" in text
    assert (
        "docker compose exec prometheus promtool query instant http://localhost:9090 "
        "'sum(rate(ebit_auth_signin_total{result=\"failure\"}[10s]))'"
    ) in text
    assert "grep -iE '(sign.?in|login|auth).*(fail|invalid|denied|401|unauthori)'" in text
    # the Fix step is the env-override plugin's own revert words and command (its plan)
    assert (
        "1. Recreate service ebit-api from the project's own definition: "
        "`docker compose up -d --force-recreate ebit-api`."
    ) in text
    assert "drill-wrong-password" not in text  # the injected value is never written
    assert "| [admin-locked-out](admin-locked-out.md) | Admin sign-in failure spike" in (
        folder / "README.md"
    ).read_text().replace("  ", "")


def test_from_a_scenario_what_drillctl_cannot_know_stays_to_be_done(folder: Path) -> None:
    scenario = Catalog(None).load("bullmq-backpressure").scenario
    made = new_runbook(folder, "queue-backlog", scenario=scenario)
    findings = [f for f in lint_path(made.path)]
    lines = made.path.read_text().splitlines()
    assert {f.code for f in findings} == {"placeholder"}
    left = [lines[f.line - 1] for f in findings]
    assert left == [
        "- {{TBD}}",  # other likely causes
        'kubectl exec -n "$NAMESPACE" deploy/{{TBD}} -- {{TBD}}',  # the deployed command
        "Rollback: {{TBD}}",
        "- {{TBD}}",  # prevention beyond the alerts
    ]
    assert "1. Start service ebit-api: `docker compose start ebit-api`." in lines


def test_cli_asks_before_overwriting(cli: Invoke, folder: Path) -> None:
    target = folder / "redis-cache-flush.md"
    before = target.read_text()
    refused = cli("runbook", "new", "redis-cache-flush", "--runbooks-dir", folder, input="n\n")
    assert refused.exit_code == 1 and "exists. Overwrite?" in refused.output
    assert target.read_text() == before
    forced = cli("runbook", "new", "redis-cache-flush", "--runbooks-dir", folder, "--force")
    assert forced.exit_code == 0 and forced.output.startswith("replaced ")
    assert "{{TBD}}" in target.read_text()
    assert _index_files(folder).count("redis-cache-flush.md") == 1


def test_cli_from_scenario(cli: Invoke, folder: Path) -> None:
    result = cli(
        "runbook", "new", "storm", "--from-scenario", "ws-handshake-storm", "--runbooks-dir", folder
    )
    assert result.exit_code == 0, result.output
    assert "WsHandshakesThrottled" in (folder / "storm.md").read_text()


def test_cli_unknown_scenario_is_an_error(cli: Invoke, folder: Path) -> None:
    result = cli(
        "runbook", "new", "x", "--from-scenario", "no-such-drill", "--runbooks-dir", folder
    )
    assert isinstance(result.exception, DrillError)
    assert not (folder / "x.md").exists()
