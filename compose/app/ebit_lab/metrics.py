"""Prometheus metrics of the lab services. Names and labels are a contract (docs: DESIGN.md)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

# Sub-millisecond buckets: a cache hit answers in well under a millisecond, a miss in tens of ms.
LATENCY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)


def new_registry() -> CollectorRegistry:
    from prometheus_client import (
        GC_COLLECTOR,
        PLATFORM_COLLECTOR,
        PROCESS_COLLECTOR,
        disable_created_metrics,
    )

    disable_created_metrics()  # no *_created series: half the samples, none of them useful here
    registry = CollectorRegistry()
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)


class ApiMetrics:
    """ebit-api: HTTP, sign-in, socket.io handshakes, cache and credited bets."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.http_requests = Counter(
            "http_requests_total",
            "HTTP requests handled.",
            ["service", "route", "method", "status"],
            registry=registry,
        )
        self.http_duration = Histogram(
            "http_request_duration_seconds",
            "HTTP request duration.",
            ["service", "route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.signins = Counter(
            "ebit_auth_signin", "Admin sign-in attempts.", ["result"], registry=registry
        )
        self.handshakes = Counter(
            "ebit_ws_handshakes", "socket.io handshakes by outcome.", ["result"], registry=registry
        )
        self.ws_connected = Gauge(
            "ebit_ws_connected_clients", "socket.io clients connected now.", registry=registry
        )
        self.cache = Counter(
            "ebit_cache_requests", "Read-through cache lookups.", ["result"], registry=registry
        )
        self.credited = Counter(
            "ebit_bets_credited",
            "Bets credited to wallets by the bet_settled worker.",
            registry=registry,
        )
        self.throttle = Gauge(
            "ebit_ws_handshake_throttle",
            "The handshake throttler's settings, per source address.",
            ["setting"],
            registry=registry,
        )
        for result in ("success", "failure"):
            self.signins.labels(result)
        for result in ("accepted", "throttled"):
            self.handshakes.labels(result)
        for result in ("hit", "miss"):
            self.cache.labels(result)
