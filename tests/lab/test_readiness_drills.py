"""Drills on the real lab use the readiness inputs of drillctl.toml's ``[readiness]``: the signin
drill's report lists the Auth findings (ids only), a drill with an http signal on a changed route
lists that change, and each run records what every service ran at its start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from run_support import recover, run_drill, shown

pytestmark = [pytest.mark.lab]

AUTH = "Auth findings: SF-001, SF-002, SF-003, SF-009 (3 pending)"
PENDING_TITLES = ("Timing oracle", "MFA bypass", "Lockout counter", "mfa.guard.ts")

GAMES_DRILL = """
name: games-latency-check
title: Catalogue latency while the redis exporter is away
severity: P3
description: a short drill whose http signal watches GET /api/games
objective: see which release last changed the catalogue route
baseline: 5s
faults:
  - type: stop-service
    service: redis-exporter
    duration: 5s
signals:
  - name: games_ms
    source: http
    query: "{api}/api/games?category=slots&page=0"
    unit: ms
    symptom: {{above: 5000, for: 5s}}
recovery: {{timeout: 20s}}
expect: {{symptom_within: 10s}}
root_cause:
  summary: the redis exporter was stopped
  keywords: [redis-exporter]
"""


@pytest.fixture(scope="module")
def state(lab: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One state dir for both drills: the second compares its services with the first's."""
    path = tmp_path_factory.mktemp("readiness-state")
    yield path
    recover(lab, path)


@pytest.mark.timeout(400)
def test_the_signin_drill_lists_the_auth_findings_by_id(lab: Any, state: Path) -> None:
    run = run_drill(
        lab,
        state,
        "signin-failure-spike",
        "--set",
        "baseline=10s",
        "--set",
        "faults[0].duration=20s",
    )
    # whether the cut drill met every expectation is the suite test's business; this one reads
    # the evidence, which a failed expectation (exit 1) does not change
    assert run.code in (0, 1), shown(run)
    security = [e for e in run.of("evidence") if e["kind"] == "security"]
    assert [e["summary"] for e in security] == [AUTH], shown(run)
    slack, report = run.slack(), run.report()
    assert AUTH in slack and any(e["summary"] == AUTH for e in report["evidence"])
    for secret in PENDING_TITLES:
        assert secret not in slack and secret not in run.stdout
    services = {s["service"]: s for s in run.of("run.started")[0]["target"]["services"]}
    api = services["ebit-api"]
    assert api["image_id"].startswith("sha256:") and api["image_created"]
    assert len(api["definition_sha256"]) == 64


@pytest.mark.timeout(300)
def test_an_http_signal_on_a_changed_route_lists_that_change(
    lab: Any, state: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "games.yaml"
    scenario.write_text(GAMES_DRILL.format(api=lab.endpoints.api_url), encoding="utf-8")
    run = run_drill(lab, state, str(scenario))
    assert run.code in (0, 1), shown(run)  # no symptom is expected: this drill is about evidence
    changes = [e for e in run.of("evidence") if e["source"] == "api-changelog"]
    summary = (
        "/api/games changed in API 1.2.0 (released 2026-11-10): "
        "GET /api/games: response 200: games[].provider added (string)"
    )
    assert [e["summary"] for e in changes] == [summary], shown(run)
    assert changes[0]["items"][0]["migrations"] == ["20261110003000_rename_bets_amount_to_stake"]
    assert summary in run.slack()
    # the signin drill recreated ebit-api from its own definition: nothing differs from its start
    since = [e["summary"] for e in run.of("evidence") if e["source"] == "target"]
    assert len(since) == 1 and since[0].startswith(
        "every service runs what it ran in the last drill ("
    )
