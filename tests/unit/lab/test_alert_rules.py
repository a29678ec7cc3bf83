"""The lab's alert rules under ``promtool test rules`` (fast and steady, unlike waiting for alerts).

promtool ships with Debian's ``prometheus`` package; scripts/lab-prereqs.sh installs it where it
is missing. Without it this test fails (it never skips: a missing tool must not hide the rules).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

HERE = Path(__file__).parent
REPO = HERE.parents[2]
RULES = REPO / "compose" / "prometheus" / "rules.yml"
CONTRACT_ALERTS = {
    "EbitApiDown",
    "BetSettledQueueBacklog",
    "AdminSignInFailureSpike",
    "WsHandshakesThrottled",
    "CacheMissSpike",
    "BetsLost",
    "ApiWriteLatencyHigh",  # postgres-latency
    "ApiReadsFailing",  # cache-partition
}


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool not found: run scripts/lab-prereqs.sh (apt-get install prometheus)"
    return path


def test_rules_file_is_valid() -> None:
    done = subprocess.run(
        [promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_rule_passes_its_promtool_unit_test() -> None:
    done = subprocess.run(
        [promtool(), "test", "rules", "rules_test.yml"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_contract_alerts_exist_and_each_has_a_unit_test() -> None:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}
    assert alerts == CONTRACT_ALERTS
    tested = yaml.safe_load((HERE / "rules_test.yml").read_text())["tests"]
    covered = {case["alertname"] for test in tested for case in test["alert_rule_test"]}
    assert covered == CONTRACT_ALERTS
