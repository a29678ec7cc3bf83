"""The --dry-run plan: each fault's action, targets, duration and revert; what is watched and
expected; secrets masked or left unresolved."""

from __future__ import annotations

from scenario_samples import VALID, load

from drillctl.core.redact import Redactor
from drillctl.engine.plan import build_plan, describe_rule, render_plan
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.model import SymptomRule
from drillctl.scenario.overrides import parse_assignments


def plan_text(name: str, *sets: str) -> str:
    scenario = Catalog(None).load(name, parse_assignments(sets)).scenario
    plan = build_plan(scenario, source="built-in", target="compose project ebit-lab")
    return "\n".join(render_plan(plan, Redactor()))


def test_plan_of_bullmq_backpressure() -> None:
    text = plan_text("bullmq-backpressure")
    lines = text.splitlines()
    assert lines[0] == (
        "Drill plan: bullmq-backpressure [P2]"
        " BullMQ backpressure: ebit-api down, bet_settled_queue backs up"
    )
    assert "  target:  compose project ebit-lab" in lines
    assert "traffic: compose profile smoke" in lines
    i = lines.index("  1. stop-service (consumer-down): stop service ebit-api for 1m")
    assert lines[i + 1 : i + 4] == [
        "     targets:  ebit-api",
        "     duration: 1m",
        "     revert:   start service ebit-api",
    ]
    assert (
        '      query:   sum(bullmq_queue_jobs{queue="bet_settled_queue",state="waiting"})' in lines
    )
    assert "      symptom: >= baseline +20 for 5s" in lines
    assert "  alert BetSettledQueueBacklog fires within 1m" in lines
    assert (
        "  invariant no-bets-lost: change of max(ebit_bets_lost) since the injection"
        " [prometheus] == 0 (end)" in lines
    )
    assert "  abort if queue_waiting > 50000" in lines
    assert "  runbook: runbooks/bullmq-backpressure.md" in lines
    assert lines[-1] == "dry run: nothing was started, stopped or changed."


def test_plan_masks_the_redis_password_and_keeps_env_references_unresolved() -> None:
    text = plan_text("redis-cache-flush")
    assert "run redis-cli -a *** FLUSHDB in service ebit-redis-cache" in text
    assert "redis_password=***" in text
    assert "s3cr3t-pw" not in plan_text("redis-cache-flush", "redis_password=s3cr3t-pw")
    with_env = plan_text("redis-cache-flush", "redis_password=${env:EBIT_REDIS_PASSWORD}")
    assert "redis_password=${env:EBIT_REDIS_PASSWORD}" in with_env
    assert "no hold (reverted right after it acts)" in text
    assert "revert:   nothing (no revert_argv)" in text


def test_plan_of_the_storm_and_the_env_override() -> None:
    storm = plan_text("ws-handshake-storm")
    assert "targets:  http://127.0.0.1:18080" in storm
    assert "200" in storm and "duration: 1m" in storm
    signin = plan_text("signin-failure-spike")
    assert "recreate service ebit-api with ADMIN_DEFAULT_PASSWORD overridden" in signin
    assert "drill-wrong-password" not in signin.split("vars:")[0]
    assert "revert:   recreate service ebit-api from the project's own definition" in signin


def test_plan_follows_set_overrides() -> None:
    text = plan_text("bullmq-backpressure", "faults[0].duration=20s", "api_service=api")
    assert "  1. stop-service (consumer-down): stop service api for 20s" in text
    assert "     revert:   start service api" in text


def test_a_scenario_without_traffic_or_expectations() -> None:
    plan = build_plan(load(VALID), source="demo.yaml", target="t")
    lines = render_plan(plan)
    assert "traffic: none (the stack's own load only)" in lines
    assert "  nothing (an interactive drill: the responder drives it)" in lines
    assert "  evidence: none" in lines
    assert "  1. stop-service: stop service ebit-api for 1m" in lines


def test_describe_rule() -> None:
    assert describe_rule(SymptomRule(above=1, **{"for": "3s"})) == "> 1 for 3s"
    assert describe_rule(SymptomRule(factor=0.2, direction="down")) == "<= baseline x0.2"
    assert describe_rule(SymptomRule(delta=5, below=0.5)) == "< 0.5 or >= baseline +5"
