"""The readiness context of a drill: recent API changes of its routes and the ids of its area's
security findings, journalled as evidence at the start (engine with fakes), never a pending
finding's title or source line in the reports."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

import pytest
from engine_fakes import rig, scenario, spike
from reviewing import MIGRATIONS, REFERENCE, REGISTER

from drillctl.config import ReadinessConfig
from drillctl.core.journal import Journal
from drillctl.readiness.drill_context import journal_readiness, readiness_evidence, subject
from drillctl.readiness.service_changes import services_evidence
from drillctl.report.markdown import render_markdown
from drillctl.report.slack import render_slack
from drillctl.report.summary import summarize
from drillctl.scenario.catalog import builtin_dir
from drillctl.scenario.loader import load_path

CONFIG = ReadinessConfig(security_register=REGISTER, api_reference=REFERENCE, migrations=MIGRATIONS)
AUTH = ["SF-001", "SF-002", "SF-003", "SF-009"]
SIGNIN_ROUTE = "POST http://127.0.0.1:58080/api/admin/signin"


def _signin():
    return load_path(builtin_dir() / "signin-failure-spike.yaml")[0]


def test_the_signin_drill_is_about_auth_and_names_no_route() -> None:
    about = subject(_signin())
    assert "auth" in about.words and "signin" in about.words and about.routes == []
    found, broken = readiness_evidence(_signin(), CONFIG)
    assert broken == []
    assert [e["kind"] for e in found] == ["security"]
    assert [i["id"] for i in found[0]["items"]] == AUTH
    assert found[0]["summary"] == "Auth findings: SF-001, SF-002, SF-003, SF-009 (3 pending)"
    assert set(found[0]["items"][0]) == {"id", "category", "score", "status"}


def test_routes_come_from_http_signals_and_route_labels() -> None:
    scn = scenario(
        signals=[
            {"name": "signin_ms", "source": "http", "query": SIGNIN_ROUTE, "symptom": {"above": 1}},
            {
                "name": "bets",
                "source": "prometheus",
                "symptom": {"above": 1},
                "query": 'sum(rate(http_requests_total{route="/api/bets",status=~"5.."}[10s]))',
            },
        ]
    )
    assert subject(scn).routes == ["/api/admin/signin", "/api/bets"]
    found, _ = readiness_evidence(scn, CONFIG)
    changes = [e for e in found if e["kind"] == "change"]
    assert [e["summary"] for e in changes] == [
        "/api/admin/signin changed in API 1.3.0 (released 2026-12-04): "
        "POST /api/admin/signin: request: otp added (string)",
        "/api/bets changed in API 1.2.0 (released 2026-11-10): "
        "POST /api/bets: request: amount renamed to stake",
    ]
    assert [i["version"] for i in changes[0]["items"]] == ["1.3.0", "1.1.0"]
    assert changes[1]["items"][0]["migrations"] == ["20261110003000_rename_bets_amount_to_stake"]
    assert changes[1]["items"][0]["breaking"] is True


def test_an_input_that_cannot_be_read_is_unavailable_not_fatal(tmp_path: Path) -> None:
    bad = tmp_path / "register.md"
    bad.write_text("no table here\n")
    found, broken = readiness_evidence(_signin(), ReadinessConfig(security_register=bad))
    assert found == [] and broken == [
        (
            "security-register",
            f"{bad}:1:1: no findings table (a column ID, Finding, Finding ID, Ref)",
        )
    ]
    assert readiness_evidence(_signin(), ReadinessConfig()) == ([], [])


@pytest.fixture
def drilled(tmp_path: Path):
    scn = scenario(
        name="signin-drill",
        tags=["auth"],
        evidence=[
            {
                "name": "signin-5xx",
                "source": "prometheus",
                "query": 'sum(rate(http_requests_total{route="/api/admin/signin"}[10s]))',
            }
        ],
    )
    r = rig(tmp_path, spike(8, 30), scn=scn)
    r.engine.on_start = partial(journal_readiness, r.journal.append, scn, CONFIG)
    outcome = asyncio.run(r.engine.run())
    assert outcome.result == "passed", outcome.reason
    return r


def test_the_drill_journals_the_changes_and_findings_at_its_start(drilled) -> None:
    types = drilled.types()
    assert types[:3] == ["run.started", "evidence", "evidence"]
    kinds = [d["kind"] for d in drilled.of("evidence")[:2]]
    assert kinds == ["change", "security"]
    auto = drilled.of("hypothesis.auto")[0]["text"]
    assert (
        "a recent change may be related (supporting, not proof): /api/admin/signin "
        "changed in API 1.3.0" in auto
    )


def test_the_reports_list_the_auth_findings_by_id_only(drilled) -> None:
    summary = summarize(drilled.journal.events)
    slack, markdown = render_slack(summary), render_markdown(summary)
    for report in (slack, markdown):
        # the route /api/admin/signin puts the drill in the Admin area too
        assert "Admin, Auth findings: SF-001, SF-002, SF-003, SF-007, SF-008, SF-009 " in report
        assert "/api/admin/signin changed in API 1.3.0" in report
        for secret in ("Timing oracle", "MFA bypass", "mfa.guard.ts", "lockout.service"):
            assert secret not in report


API = {"service": "ebit-api", "image_id": "sha256:aaaa1111bbbb2222", "definition_sha256": "d1"}
REDIS = {"service": "ebit-redis-cache", "image_id": "sha256:cccc", "definition_sha256": "r1"}


def _past_run(runs: Path, run_id: str, services: list[dict]) -> None:
    journal = Journal(runs / run_id / "journal.jsonl")
    journal.append("run.started", run_id=run_id, target={"driver": "compose", "services": services})
    journal.close()


def test_what_changed_in_the_stack_since_the_last_drill(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    _past_run(runs, "20261201-100000-signin-failure-spike-aaaa", [API, REDIS])
    _past_run(runs, "20261205-100000-bullmq-backpressure-bbbb", [API, REDIS])
    _past_run(runs, "20261207-100000-later-run-cccc", [])  # newer than this run: ignored
    now = [
        {**API, "image_id": "sha256:dddd3333eeee4444", "image_created": "2026-12-06T09:00:00Z"},
        {**REDIS, "definition_sha256": "r2"},
        {"service": "ebit-game", "image_id": "sha256:ffff", "definition_sha256": "g1"},
    ]
    found = services_evidence(runs, "20261206-120000-signin-failure-spike-dddd", now)
    assert found == [
        {
            "kind": "change",
            "source": "target",
            "summary": "since the last drill (20261205-100000-bullmq-backpressure-bbbb): "
            "ebit-game: new since then; "
            "ebit-api: image aaaa1111bbbb -> dddd3333eeee, built 2026-12-06T09:00:00Z; "
            "ebit-redis-cache: compose definition changed",
            "items": [
                "ebit-game: new since then",
                "ebit-api: image aaaa1111bbbb -> dddd3333eeee, built 2026-12-06T09:00:00Z",
                "ebit-redis-cache: compose definition changed",
            ],
        }
    ]
    same = services_evidence(runs, "20261206-120000-x", [API, REDIS])
    assert same[0]["summary"].startswith("every service runs what it ran in the last drill")
    assert services_evidence(tmp_path / "none", "20261206-120000-x", [API]) == []
