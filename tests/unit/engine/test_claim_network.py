"""drillctl's claim of a network or resource fault, on small journals: the service whose latency
or error signals moved while its container kept running, and the far end its log lines name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drillctl.core.events import (
    Alert,
    AlertState,
    Baseline,
    ChangeKind,
    Container,
    Evidence,
    FaultInjected,
    RunStarted,
    Symptom,
)
from drillctl.core.journal import Event
from drillctl.engine.claim import build_claim

T0 = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
SERVICES = ("ebit-api", "ebit-redis-cache", "ebit-postgres")


def _journal(*extra: Event, signal: str = "write_latency", unit: str = "s") -> list[Event]:
    target = {"services": [{"service": s} for s in SERVICES]}
    return [
        RunStarted(ts=T0, target=target),
        Baseline(ts=T0, signal=signal, centre=0.003, unit=unit),
        *extra,
        Symptom(ts=T0 + timedelta(seconds=40), signal=signal, value=0.2),
    ]


def _log(*lines: str, service: str = "ebit-api") -> Evidence:
    items = [{"service": service, "line": line} for line in lines]
    return Evidence(ts=T0 + timedelta(seconds=41), kind="log", source="logs", items=items)


def _container(action: str, service: str = "ebit-api") -> Container:
    at = T0 + timedelta(seconds=30)
    return Container(ts=at, service=service, action=action, at=at.isoformat())


def test_a_latency_signal_of_a_running_service_claims_a_network_or_resource_fault() -> None:
    claim = build_claim(_journal(), {"write_latency": "ebit-api"})
    assert claim is not None
    assert (claim.service, claim.kind, claim.peer) == (
        "ebit-api",
        ChangeKind.NETWORK_OR_RESOURCE,
        None,
    )
    assert claim.evidence == [
        "write_latency of ebit-api moved; its container kept running (no event)"
    ]
    assert claim.sentence == (
        "Likely cause: ebit-api hit a network or resource fault, which drove write_latency."
    )


def test_an_alert_names_the_service_when_the_signal_does_not() -> None:
    alert = Alert(
        ts=T0, name="ApiReadsFailing", state=AlertState.PENDING, labels={"service": "ebit-api"}
    )
    claim = build_claim(_journal(alert, signal="reads_failing", unit="req/s"), {})
    assert claim is not None and claim.service == "ebit-api"
    unnamed = build_claim(_journal(signal="reads_failing", unit="req/s"), {})
    assert unnamed is not None and unnamed.kind is None  # nobody named a service: no claim


def test_log_lines_naming_one_other_service_name_the_peer() -> None:
    logs = _log("redis timeout talking to ebit-redis-cache:6379", "retrying ebit-redis-cache")
    claim = build_claim(_journal(logs), {"write_latency": "ebit-api"})
    assert claim is not None and claim.peer == "ebit-redis-cache"
    assert "on its path to ebit-redis-cache" in claim.sentence
    both = _log("ebit-redis-cache slow", "ebit-postgres slow")
    assert build_claim(_journal(both), {"write_latency": "ebit-api"}).peer is None  # type: ignore[union-attr]


def test_a_container_change_of_that_service_is_no_network_fault() -> None:
    for action in ("stop", "die", "kill", "restart", "destroy"):
        claim = build_claim(_journal(_container(action)), {"write_latency": "ebit-api"})
        assert claim is not None and claim.kind != ChangeKind.NETWORK_OR_RESOURCE, action
    running = build_claim(
        _journal(_container("health_status: unhealthy")), {"write_latency": "ebit-api"}
    )
    assert running is not None and running.kind == ChangeKind.NETWORK_OR_RESOURCE


def test_signals_of_two_services_or_a_plain_count_claim_nothing() -> None:
    alert = Alert(
        ts=T0, name="DbSlow", state=AlertState.FIRING, labels={"service": "ebit-postgres"}
    )
    two = build_claim(_journal(alert), {"write_latency": "ebit-api"})
    assert two is not None and two.kind is None
    count = build_claim(
        _journal(signal="queue_waiting", unit="jobs"), {"queue_waiting": "ebit-api"}
    )
    assert count is not None and count.kind is None


def test_an_alert_still_firing_from_an_earlier_drill_names_no_service() -> None:
    """Back-to-back drills: an alert active before this injection says nothing of this one."""
    injected = FaultInjected(ts=T0 + timedelta(seconds=20))
    stale = Alert(
        ts=T0,
        name="DbSlow",
        state=AlertState.FIRING,
        active_at=(T0 - timedelta(minutes=2)).isoformat(),
        labels={"service": "ebit-postgres"},
    )
    claim = build_claim(_journal(injected, stale), {"write_latency": "ebit-api"})
    assert claim is not None and claim.service == "ebit-api"
    fresh = stale.model_copy(update={"active_at": (T0 + timedelta(seconds=30)).isoformat()})
    assert build_claim(_journal(injected, fresh), {"write_latency": "ebit-api"}).kind is None  # type: ignore[union-attr]
