"""${env:NAME} is resolved only at run time, registered with the redactor, and never printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_samples import VALID, load

from drillctl.core.errors import ConfigError, ExitCode
from drillctl.core.journal import Journal, read_events
from drillctl.core.redact import MASK, Redactor
from drillctl.scenario.loader import faults_of
from drillctl.scenario.secrets import resolve_secrets, secret_names

FLUSH = VALID.replace(
    "  - type: stop-service\n    service: ${var:svc}\n    duration: 60s\n",
    "  - type: exec\n    service: ${var:svc}\n"
    "    argv: [redis-cli, -a, '${var:password}', FLUSHDB]\n",
).replace("  svc: ebit-api\n", "  svc: ebit-redis-cache\n  password: ${env:REDIS_PASSWORD}\n")


def argv(scenario: object) -> list[str]:
    return list(faults_of(scenario)[0].argv)  # type: ignore[arg-type, attr-defined]


def test_load_keeps_the_reference() -> None:
    scenario = load(FLUSH)
    assert argv(scenario) == ["redis-cli", "-a", "${env:REDIS_PASSWORD}", "FLUSHDB"]
    assert secret_names(scenario) == {"REDIS_PASSWORD": ["faults[0].argv[2]"]}


def test_resolve_replaces_and_registers_with_the_redactor() -> None:
    scenario = load(FLUSH)
    redactor = Redactor()
    resolved = resolve_secrets(scenario, {"REDIS_PASSWORD": "s3cr3t-pw", "OTHER": "x"}, redactor)
    assert argv(resolved) == ["redis-cli", "-a", "s3cr3t-pw", "FLUSHDB"]
    assert redactor.redact("auth with s3cr3t-pw failed") == f"auth with {MASK} failed"
    assert argv(scenario)[2] == "${env:REDIS_PASSWORD}"  # the loaded scenario is unchanged


def test_resolved_values_never_reach_the_journal(tmp_path: Path) -> None:
    redactor = Redactor()
    resolved = resolve_secrets(load(FLUSH), {"REDIS_PASSWORD": "s3cr3t-pw"}, redactor)
    path = tmp_path / "journal.jsonl"
    with Journal(path, redactor=redactor) as journal:
        plan = " ".join(argv(resolved))
        journal.append("fault.inject-started", fault=0, plan=plan, undo={"dsn": "x s3cr3t-pw"})
    assert "s3cr3t-pw" not in path.read_text(encoding="utf-8")
    assert read_events(path)[0].data["plan"] == f"redis-cli -a {MASK} FLUSHDB"


def test_undefined_environment_variable_is_an_error_naming_it_and_where_it_is_used() -> None:
    scenario = load(FLUSH.replace("summary: consumer down", "summary: ${env:OTHER_SECRET} leaked"))
    with pytest.raises(ConfigError) as caught:
        resolve_secrets(scenario, {}, Redactor())
    assert caught.value.exit_code == ExitCode.INVALID
    assert caught.value.message == (
        "scenario 'demo' needs environment variable(s) that are not set: "
        "OTHER_SECRET (used by root_cause.summary); REDIS_PASSWORD (used by faults[0].argv[2])"
    )


def test_an_empty_value_counts_as_set() -> None:
    resolved = resolve_secrets(load(FLUSH), {"REDIS_PASSWORD": ""}, Redactor())
    assert argv(resolved)[2] == ""


def test_a_scenario_without_references_is_returned_as_is() -> None:
    scenario = load()
    assert resolve_secrets(scenario, {}, Redactor()) is scenario


def test_resolution_keeps_every_other_value() -> None:
    scenario = load(FLUSH, sets=["baseline=45s", "expect.symptom_within=20s"])
    resolved = resolve_secrets(scenario, {"REDIS_PASSWORD": "pw1"}, Redactor())
    assert resolved.baseline == scenario.baseline
    assert resolved.expect == scenario.expect
    assert resolved.signals == scenario.signals
    assert resolved.vars == {"password": "${env:REDIS_PASSWORD}", "svc": "ebit-redis-cache"}
