"""The built-in scenarios by name, sorted: what `list`, blind draws, runbook lint and the catalog
are expected to show (one list, so adding a built-in scenario changes one place in the tests)."""

BUILTIN_SCENARIOS = [
    "bullmq-backpressure",
    "cache-partition",
    "postgres-latency",
    "redis-cache-flush",
    "replica-loss",
    "signin-failure-spike",
    "ws-handshake-storm",
]
# what `suite --all` runs on compose: replica-loss is tagged driver:swarm
COMPOSE_SUITE = [name for name in BUILTIN_SCENARIOS if name != "replica-loss"]
