"""What the reference lab promises: its services, metric names, alert names and queue states.

Scenario files, the fidelity tests and the Grafana provisioning tests check against these sets;
the lab tests check that a running lab really exports every name listed here.
"""

from __future__ import annotations

SERVICES = frozenset(
    {
        "ebit-api",
        "ebit-game",
        "ebit-exporter",
        "ebit-redis-cache",
        "ebit-postgres",
        "prometheus",
        "alertmanager",
        "redis-exporter",
    }
)
PROFILE_SERVICES = {
    "smoke": frozenset({"smoke"}),
    "full-observability": frozenset({"grafana", "loki", "promtail", "jaeger"}),
}

QUEUE = "bet_settled_queue"
QUEUE_STATES = ("waiting", "active", "delayed", "completed", "failed")

ALERTS = frozenset(
    {
        "EbitApiDown",
        "BetSettledQueueBacklog",
        "AdminSignInFailureSpike",
        "WsHandshakesThrottled",
        "CacheMissSpike",
        "BetsLost",
        "ApiWriteLatencyHigh",  # postgres-latency
        "ApiReadsFailing",  # cache-partition
    }
)

# DESIGN.md's metric contract (names as Prometheus stores them, histograms by their family name).
CONTRACT_METRICS = frozenset(
    {
        "bullmq_queue_jobs",  # {queue, state}
        "http_requests_total",  # {service, route, method, status}
        "http_request_duration_seconds",  # histogram {service, route, method}
        "ebit_auth_signin_total",  # {result="success"|"failure"}
        "ebit_ws_handshakes_total",  # {result="accepted"|"throttled"}
        "ebit_ws_connected_clients",
        "ebit_cache_requests_total",  # {result="hit"|"miss"}
        "ebit_bets_settled_total",
        "ebit_bets_credited_total",
        "ebit_bets_lost",
        "up",
    }
)

# Further series a running lab exports (and its dashboards may use).
EXTRA_METRICS = frozenset(
    {
        "ebit_ws_handshake_throttle",  # {setting="rate_per_second"|"burst"}
        "ebit_exporter_source_up",  # {source="redis"|"postgres"}
        "ebit_game_enqueue_errors_total",
        "smoke_requests_total",
        "smoke_ws_connected_clients",
        "smoke_ws_connect_errors_total",
        "smoke_ws_disconnects_total",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "python_gc_collections_total",
        "redis_memory_used_bytes",
        "redis_commands_processed_total",
        "redis_connected_clients",
        "redis_db_keys",
        "scrape_duration_seconds",
        "ALERTS",
    }
)

HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def exported(name: str) -> bool:
    """Whether the lab exports the series ``name`` (histogram _bucket/_sum/_count included)."""
    known = CONTRACT_METRICS | EXTRA_METRICS
    if name in known:
        return True
    return any(name.endswith(s) and name.removesuffix(s) in known for s in HISTOGRAM_SUFFIXES)
