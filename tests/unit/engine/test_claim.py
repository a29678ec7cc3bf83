"""drillctl's claim, built from the lab's recorded journals (0.1.0: tests/fixtures/journals/v010;
0.2 runs of the network drills and the swarm drill: tests/fixtures/journals/v020, copied from the
lab's `suite --all` and swarm runs of 2026-12-07) as the diagnosis saw them (the events before
its hypothesis), judged against each built-in scenario's root cause: the right one matches, a
deliberately wrong service or kind of change does not, and the claim never rests on the fault
events (what drillctl injected)."""

from __future__ import annotations

import functools
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from builtin_names import BUILTIN_SCENARIOS

from drillctl.core.events import Baseline, ChangeKind, Claim, Sample
from drillctl.core.journal import Event, read_journal
from drillctl.core.timeconv import to_rfc3339
from drillctl.core.verdict import judge_claim
from drillctl.engine.claim import _container_kind, build_claim
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.model import ScenarioBase

JOURNALS = Path(__file__).resolve().parents[2] / "fixtures" / "journals"
RUNS, RUNS_020 = JOURNALS / "v010" / "runs", JOURNALS / "v020"
RECORDED = {
    "bullmq-backpressure": RUNS / "20261207-140521-bullmq-backpressure-88f7",
    "redis-cache-flush": RUNS / "20261207-140612-redis-cache-flush-1b85",
    "signin-failure-spike": RUNS / "20261207-141237-signin-failure-spike-96d2",
    "ws-handshake-storm": RUNS / "20261207-141043-ws-handshake-storm-0b38",
    "cache-partition": RUNS_020 / "20261207-160434-cache-partition-d76f",
    "postgres-latency": RUNS_020 / "20261207-160528-postgres-latency-0512",
}
# a second lab run of each network drill, an hour earlier (another load on the 2-core lab)
AGAIN = {
    "cache-partition": RUNS_020 / "20261207-151522-cache-partition-01f9",
    "postgres-latency": RUNS_020 / "20261207-151635-postgres-latency-586e",
}
SWARM = RUNS_020 / "20261207-145805-replica-loss-346f"  # replica-loss, on the swarm lab
LAB_SERVICES = ("ebit-api", "ebit-redis-cache", "ebit-postgres", "prometheus")
KEYS_BASELINE = 1280.0


@functools.cache  # each test judges the same few scenarios and journals again: read them once
def _scenario(name: str) -> ScenarioBase:
    return Catalog(None).load(name).scenario


def _cache_keys(events: list[Event]) -> list[Event]:
    """The 0.1.0 redis-cache-flush run predates the scenario's cache_keys signal: add what the
    Redis exporter showed then (keys at their baseline, then nearly none once flushed)."""
    injected = next(e.ts for e in events if e.type == "fault.injected")
    extra: list[Event] = [Baseline(signal="cache_keys", centre=KEYS_BASELINE, unit="keys")]
    for n, value in enumerate((KEYS_BASELINE, 3.0, 40.0)):
        at = injected + timedelta(seconds=n - 1)
        extra.append(Sample(signal="cache_keys", value=value, at=to_rfc3339(at)))
    return extra + events


def _seen(name: str, run: Path | None = None) -> list[Event]:
    return list(_read_seen(name, run))


@functools.cache
def _read_seen(name: str, run: Path | None) -> tuple[Event, ...]:
    events = read_journal((run or RECORDED[name]) / "journal.jsonl").events
    if name == "redis-cache-flush":
        events = _cache_keys(events)
    cut = next(i for i, e in enumerate(events) if e.type == "hypothesis.auto")
    return tuple(events[:cut])


def _claim(name: str, events: list[Event] | None = None) -> Claim:
    scenario = _scenario(name)
    claim = build_claim(events or _seen(name), {s.name: s.service for s in scenario.signals})
    assert claim is not None
    return claim


def _cause(name: str, **changes: Any) -> dict[str, Any]:
    return {**_scenario(name).root_cause.model_dump(mode="json"), **changes}


@pytest.mark.parametrize("name", RECORDED)
def test_the_claim_matches_the_scenarios_root_cause(name: str) -> None:
    matched, hits, compared = judge_claim(_claim(name), _cause(name))
    assert matched, compared
    assert hits == [] and compared["service"]["matched"] and compared["kind"]["matched"]


@pytest.mark.parametrize("name", RECORDED)
def test_a_wrong_service_gives_a_mismatch(name: str) -> None:
    claim = _claim(name)
    for service in (s for s in LAB_SERVICES if s != claim.service):
        matched, _, compared = judge_claim(claim, _cause(name, service=service))
        assert not matched and not compared["service"]["matched"], service


@pytest.mark.parametrize("name", RECORDED)
def test_a_wrong_kind_of_change_gives_a_mismatch(name: str) -> None:
    claim = _claim(name)
    for kind in (k for k in ChangeKind if k != claim.kind):
        assert not judge_claim(claim, _cause(name, kind=kind.value))[0], kind


@pytest.mark.parametrize("name", RECORDED)
def test_the_claim_never_rests_on_the_fault_events(name: str) -> None:
    blind = [e for e in _seen(name) if not e.type.startswith("fault.")]
    injected = next(e for e in _seen(name) if e.type == "fault.injected")
    assert _claim(name, blind).model_copy(update={"signals": []}) == _claim(
        name, [*blind, injected]
    ).model_copy(update={"signals": []})


def test_the_claims_name_what_a_responder_would() -> None:
    found = {name: (_claim(name).service, _claim(name).kind) for name in RECORDED}
    assert found == {
        "bullmq-backpressure": ("ebit-api", ChangeKind.STOPPED),
        "redis-cache-flush": ("ebit-redis-cache", ChangeKind.FLUSHED),
        "signin-failure-spike": ("ebit-api", ChangeKind.RECREATED),
        "ws-handshake-storm": ("ebit-api", ChangeKind.SURGE),
        "cache-partition": ("ebit-api", ChangeKind.NETWORK_OR_RESOURCE),
        "postgres-latency": ("ebit-api", ChangeKind.NETWORK_OR_RESOURCE),
    }
    assert _claim("ws-handshake-storm").source == "172.18.0.1"
    assert "1,280 keys to 3" in _claim("redis-cache-flush").evidence[0]


def test_keywords_match_the_sentence_never_the_quoted_evidence() -> None:
    claim = Claim(sentence="Likely cause: unknown.", evidence=["runbook ws-handshake-storm.md"])
    cause = {"summary": "x", "keywords": ["storm", "handshake"], "min_keywords": 1}
    assert judge_claim(claim, cause)[:2] == (False, [])
    said = claim.model_copy(update={"sentence": "a handshake storm from one client"})
    assert judge_claim(said, cause)[:2] == (True, ["storm", "handshake"])


def test_every_builtin_scenario_has_a_recorded_journal_judged_here() -> None:
    assert sorted([*RECORDED, "replica-loss"]) == BUILTIN_SCENARIOS


@pytest.mark.parametrize("name", AGAIN)
def test_a_second_lab_run_of_a_network_drill_earns_the_same_verdict(name: str) -> None:
    scenario = _scenario(name)
    claim = build_claim(_seen(name, AGAIN[name]), {s.name: s.service for s in scenario.signals})
    assert claim is not None and judge_claim(claim, _cause(name))[0], claim
    assert not judge_claim(claim, _cause(name, service="ebit-redis-cache"))[0]


def test_the_swarm_drill_is_judged_on_its_fields_a_killed_task_is_a_crash() -> None:
    """replica-loss: kill, die, create (the replacement) before the symptom: a crash of ebit-api
    that explains tasks_running; a wrong service or kind comes out as a mismatch."""
    events = read_journal(SWARM / "journal.jsonl").events
    seen = events[: next(i for i, e in enumerate(events) if e.type == "hypothesis.auto")]
    claim = build_claim(seen, {s.name: s.service for s in _scenario("replica-loss").signals})
    assert claim is not None
    assert (claim.service, claim.kind, claim.signals) == (
        "ebit-api",
        ChangeKind.CRASHED,
        ["tasks_running"],
    )
    matched, hits, compared = judge_claim(claim, _cause("replica-loss"))
    assert matched and hits == [] and compared["kind"]["matched"], compared
    assert not judge_claim(claim, _cause("replica-loss", service="ebit-postgres"))[0]
    assert not judge_claim(claim, _cause("replica-loss", kind="stopped"))[0]


@pytest.mark.parametrize(
    ("actions", "kind"),
    [
        # swarm replaces a killed task: the replacement is the recovery, the cause is the crash
        (["kill", "die", "create", "start", "destroy"], ChangeKind.CRASHED),
        (["die", "start"], ChangeKind.CRASHED),  # a restart policy started the crashed container
        (["kill", "die"], ChangeKind.CRASHED),
        (["kill", "die", "stop"], ChangeKind.STOPPED),  # docker compose stop
        (["kill", "die", "stop", "start", "restart"], ChangeKind.RESTARTED),  # docker restart
        (["kill", "die", "stop", "destroy", "create", "start"], ChangeKind.RECREATED),  # up
        (["oom", "die", "start"], ChangeKind.NETWORK_OR_RESOURCE),
        (["exec_start"], None),
    ],
)
def test_what_a_services_container_events_say_changed(actions: list[str], kind: Any) -> None:
    assert _container_kind(actions) == kind
