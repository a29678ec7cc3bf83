"""`drillctl validate` and `run --dry-run` with the network faults: each fault's plan, mechanism
and revert shown; impossible values refused with FILE:LINE:COL and exit 2 (nothing runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drillctl.cli.app import app
from drillctl.scenario.catalog import builtin_dir

LATENCY = (builtin_dir() / "postgres-latency.yaml").read_text(encoding="utf-8")
PARTITION = (builtin_dir() / "cache-partition.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in __import__("os").environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)


def drillctl(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_dry_run_shows_the_plan_mechanism_and_revert_of_each_network_drill() -> None:
    latency = drillctl("run", "postgres-latency", "--dry-run")
    assert latency.exit_code == 0, latency.output
    assert (
        "  1. network-latency (slow-database): add 200ms to ebit-api's TCP traffic toward "
        "ebit-postgres on port 5432 for 1m (dead-man switch +30s); mechanism: netem if the "
        "kernel has it and the fault is not narrowed, else a delaying TCP proxy (iptables REDIRECT)"
    ) in latency.stdout
    assert "revert:   stop the helper: its rules and qdisc in ebit-api's namespace are deleted" in (
        latency.stdout
    )
    partition = drillctl("run", "cache-partition", "--dry-run", "--set", "faults[0].duration=20s")
    assert partition.exit_code == 0, partition.output
    assert (
        "  1. network-partition (cut-from-cache): cut ebit-api off from ebit-redis-cache (both) "
        "for 20s (dead-man switch +30s); mechanism: iptables DROP"
    ) in partition.stdout


@pytest.mark.parametrize(
    ("text", "old", "new", "located"),
    [
        (LATENCY, "    delay: 200ms", "    delay: 0ms", ":37:12: faults[0].delay: delay must be"),
        (LATENCY, "ports: [5432]", "ports: [99999]", ":36:12: faults[0].ports: ports must be"),
        (PARTITION, "direction: both", "direction: sideways", ":37:16: faults[0].direction:"),
        (PARTITION, "    duration: 45s", "    duration: 45", ":38:15: faults[0].duration: a"),
    ],
)
def test_validate_refuses_impossible_values_with_a_located_error(
    tmp_path: Path, text: str, old: str, new: str, located: str
) -> None:
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = drillctl("validate", str(path))
    assert result.exit_code == 2, result.output
    assert any(line.startswith(f"{path}{located}") for line in result.stderr.splitlines()), (
        result.stderr
    )
