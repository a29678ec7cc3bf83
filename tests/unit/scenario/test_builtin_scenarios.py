"""The four seed scenarios: faithful to DESIGN.md's failure modes and to the lab's metric names."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from drillctl.scenario.catalog import Catalog, builtin_dir
from drillctl.scenario.loader import faults_of, load_path
from drillctl.scenario.model import ScenarioBase, json_schema
from drillctl.scenario.overrides import parse_assignments

REPO = Path(__file__).resolve().parents[3]
NAMES = ["bullmq-backpressure", "redis-cache-flush", "signin-failure-spike", "ws-handshake-storm"]

# DESIGN.md "Metric names" (+ the histogram's _bucket series)
METRICS = {
    "bullmq_queue_jobs",
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "ebit_auth_signin_total",
    "ebit_ws_handshakes_total",
    "ebit_ws_connected_clients",
    "ebit_cache_requests_total",
    "ebit_bets_settled_total",
    "ebit_bets_credited_total",
    "ebit_bets_lost",
    "up",
    "redis_db_keys",  # the Redis exporter's key count (lab/contract.py)
}
PROMQL_WORDS = {
    "sum",
    "rate",
    "max",
    "min",
    "by",
    "clamp_min",
    "delta",
    "max_over_time",
    "histogram_quantile",
    "le",
    "state",
    "result",
}
LAB_ALERTS = {
    "EbitApiDown",
    "BetSettledQueueBacklog",
    "AdminSignInFailureSpike",
    "WsHandshakesThrottled",
    "CacheMissSpike",
    "BetsLost",
}


def load(name: str, *sets: str) -> ScenarioBase:
    return Catalog(None).load(name, parse_assignments(sets)).scenario


def fault(name: str, *sets: str) -> Any:
    (only,) = faults_of(load(name, *sets))
    return only


@pytest.mark.parametrize("name", NAMES)
def test_each_builtin_loads_and_is_named_like_its_file(name: str) -> None:
    scenario, _ = load_path(builtin_dir() / f"{name}.yaml")
    assert scenario.name == name
    assert scenario.runbook == Path(f"runbooks/{name}.md")
    assert scenario.traffic is not None and scenario.traffic.profile == "smoke"
    assert timedelta(seconds=20) <= scenario.baseline <= timedelta(seconds=30)
    assert (
        scenario.decisions
        and scenario.root_cause.service
        and scenario.root_cause.kind
        and scenario.difficulty
    )
    assert {a.name for a in scenario.expect.alerts} <= LAB_ALERTS and scenario.expect.alerts
    assert scenario.expect.symptom_within and scenario.expect.recovered_within
    assert [e.source for e in scenario.evidence][:2] == ["logs", "jaeger"]
    assert all(e.service == "ebit-api" for e in scenario.evidence[:2])


def test_bullmq_backpressure_stops_the_consumer_for_a_minute() -> None:
    stop = fault("bullmq-backpressure")
    assert (stop.type, stop.service, stop.duration) == (
        "stop-service",
        "ebit-api",
        timedelta(seconds=60),
    )
    scenario = load("bullmq-backpressure")
    waiting = scenario.signals[0]
    assert waiting.query == 'sum(bullmq_queue_jobs{queue="bet_settled_queue",state="waiting"})'
    assert (
        waiting.primary and waiting.symptom.delta and waiting.symptom.for_ == timedelta(seconds=5)
    )
    assert {a.name for a in scenario.expect.alerts} == {"EbitApiDown", "BetSettledQueueBacklog"}
    (lost,) = scenario.expect.invariants
    assert (lost.query, lost.measure, lost.equals) == ("max(ebit_bets_lost)", "change", 0)
    assert any("normal" in d for d in scenario.decisions)


def test_redis_cache_flush_runs_flushdb_with_the_password_as_a_variable() -> None:
    flush = fault("redis-cache-flush")
    assert (flush.type, flush.service) == ("exec", "ebit-redis-cache")
    assert flush.argv == ["redis-cli", "-a", "cache", "FLUSHDB"] and not flush.shell
    env_password = fault("redis-cache-flush", "redis_password=${env:EBIT_REDIS_PASSWORD}")
    assert env_password.argv == ["redis-cli", "-a", "${env:EBIT_REDIS_PASSWORD}", "FLUSHDB"]
    scenario = load("redis-cache-flush")
    assert "CacheMissSpike" in {a.name for a in scenario.expect.alerts}
    assert any("ebit_bets_lost" in s.query for s in scenario.signals)  # the queue shares the Redis


def test_ws_handshake_storm_targets_the_gateway_with_200_clients() -> None:
    storm = fault("ws-handshake-storm")
    assert (storm.type, storm.url, storm.clients) == ("ws-storm", "http://127.0.0.1:18080", 200)
    assert storm.duration == timedelta(seconds=60)
    scenario = load("ws-handshake-storm")
    queries = " ".join(s.query for s in scenario.signals)
    assert 'result="throttled"' in queries and 'result="accepted"' in queries
    assert [a.name for a in scenario.expect.alerts] == ["WsHandshakesThrottled"]
    assert any("limit" in d and "block" in d for d in scenario.decisions)


def test_signin_failure_spike_overrides_the_admin_password_for_a_while() -> None:
    override = fault("signin-failure-spike")
    assert (override.type, override.service) == ("env-override", "ebit-api")
    assert list(override.environment) == ["ADMIN_DEFAULT_PASSWORD"]
    assert override.environment["ADMIN_DEFAULT_PASSWORD"] not in ("", "admin")
    assert timedelta(seconds=30) <= override.duration <= timedelta(seconds=90)
    assert [a.name for a in load("signin-failure-spike").expect.alerts] == [
        "AdminSignInFailureSpike"
    ]


def prometheus_queries(scenario: ScenarioBase) -> list[str]:
    queries = [s.query for s in scenario.signals if s.source == "prometheus"]
    queries += [e.query or "" for e in scenario.evidence if e.source == "prometheus"]
    return queries + [i.query for i in scenario.expect.invariants if i.source == "prometheus"]


@pytest.mark.parametrize("name", NAMES)
def test_queries_use_only_the_lab_metric_names_and_short_windows(name: str) -> None:
    for query in prometheus_queries(load(name)):
        bare = re.sub(r"\{[^}]*\}", "", query)  # label matchers
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"\[[^]]*\]", "", bare)))
        assert words - PROMQL_WORDS <= METRICS, query
        assert words & METRICS, query
        for window in re.findall(r"\[(\d+)s\]", query):
            assert int(window) <= 15, query  # the lab scrapes every second


@pytest.mark.parametrize("name", NAMES)
def test_retargeting_to_another_stack_with_set(name: str) -> None:
    assert load(name).vars["api_service"] == "ebit-api"
    moved = load(name, "api_service=api")
    assert all(e.service == "api" for e in moved.evidence if e.service)
    assert "ebit-api" not in json.dumps([e.service for e in moved.evidence])


def test_the_repo_root_scenarios_link_points_at_the_builtins() -> None:
    link = REPO / "scenarios"
    assert link.is_symlink()
    assert link.resolve() == builtin_dir().resolve()


def test_json_schema_is_valid_and_accepts_the_four_files_as_written() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in NAMES:
        data = yaml.safe_load((builtin_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], name


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    data = yaml.safe_load((builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8"))
    assert validator.is_valid(data)
    assert not validator.is_valid({**data, "runbok": "x"})
    assert not validator.is_valid({**data, "baseline": "60"})
    assert not validator.is_valid({**data, "faults": [{"type": "nope", "service": "x"}]})
    assert not validator.is_valid({**data, "severity": "P9"})
