"""ebit-exporter: BullMQ queue depths and lost bets, computed independently of ebit-api.

``bullmq_queue_jobs{queue,state}`` comes from the queue's Redis keys (one atomic MULTI per scrape).
``ebit_bets_lost`` = bets settled (more than SETTLE_GRACE_SECONDS ago) - credited - still queued:
the settled, uncredited bets in Postgres whose job is in none of the queue's pending states
(waiting, paused, prioritized, delayed, active, waiting-children). Counters inside ebit-api reset
when it restarts and cannot tell loss from backlog; this gauge can, because it reads the state.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import asyncpg
import redis.asyncio as aioredis
from prometheus_client import Gauge, start_http_server

from ebit_lab.common import (
    QUEUE_NAME,
    QUEUE_PREFIX,
    Connections,
    env_float,
    env_int,
    env_str,
    log_event,
    setup_logging,
)
from ebit_lab.metrics import new_registry

SERVICE = "ebit-exporter"
STATES = ("waiting", "active", "delayed", "completed", "failed")
# BullMQ key suffix -> (state reported, how to read ids or size)
LIST_KEYS = {"wait": "waiting", "paused": "waiting", "active": "active"}
ZSET_KEYS = {"prioritized": "waiting", "delayed": "delayed", "waiting-children": "waiting"}
SIZE_ONLY = {"completed": "completed", "failed": "failed"}

UNCREDITED_SQL = """
SELECT id FROM bets
WHERE status = 'settled' AND credited_at IS NULL AND settled_at < now() - make_interval(secs => $1)
"""


@dataclass(frozen=True)
class QueueSnapshot:
    counts: dict[str, int]
    pending_bet_ids: frozenset[int]


async def snapshot_queue(client: aioredis.Redis, queue: str) -> QueueSnapshot:
    """One MULTI/EXEC: job ids of every pending state and the sizes of the finished ones."""
    base = f"{QUEUE_PREFIX}:{queue}:"
    async with client.pipeline(transaction=True) as pipe:
        for key in LIST_KEYS:
            pipe.lrange(base + key, 0, -1)
        for key in ZSET_KEYS:
            pipe.zrange(base + key, 0, -1)
        for key in SIZE_ONLY:
            pipe.zcard(base + key)
        replies = await pipe.execute()
    counts = dict.fromkeys(STATES, 0)
    pending: set[int] = set()
    for state, ids in zip([*LIST_KEYS.values(), *ZSET_KEYS.values()], replies, strict=False):
        counts[state] += len(ids)
        pending.update(_bet_id(job_id) for job_id in ids)
    for state, size in zip(
        SIZE_ONLY.values(), replies[len(LIST_KEYS) + len(ZSET_KEYS) :], strict=True
    ):
        counts[state] += int(size)
    pending.discard(-1)
    return QueueSnapshot(counts, frozenset(pending))


def _bet_id(job_id: bytes | str) -> int:
    text = job_id.decode() if isinstance(job_id, bytes) else job_id
    return int(text[4:]) if text.startswith("bet-") and text[4:].isdigit() else -1


class Exporter:
    def __init__(self) -> None:
        self.logger = setup_logging(SERVICE)
        self.conns = Connections.from_env()
        self.registry = new_registry()
        self.jobs = Gauge(
            "bullmq_queue_jobs",
            "BullMQ jobs by queue and state.",
            ["queue", "state"],
            registry=self.registry,
        )
        self.lost = Gauge(
            "ebit_bets_lost",
            "Bets settled, not credited and no longer queued.",
            registry=self.registry,
        )
        self.up = Gauge(
            "ebit_exporter_source_up",
            "1 when the last read of a source worked.",
            ["source"],
            registry=self.registry,
        )
        self.queues = [q for q in env_str("EXPORTER_QUEUES", QUEUE_NAME).split(",") if q]
        self.grace = env_float("SETTLE_GRACE_SECONDS", 5.0)
        self.interval = env_float("EXPORTER_INTERVAL_SECONDS", 1.0)

    async def run(self) -> None:
        start_http_server(env_int("METRICS_PORT", 9400), registry=self.registry)
        client = aioredis.from_url(self.conns.redis_url)
        pool: asyncpg.Pool | None = None
        log_event(self.logger, logging.INFO, "ebit-exporter started", queues=self.queues)
        while True:
            started = time.monotonic()
            pool = pool or await self._connect()
            await self.collect(client, pool)
            await asyncio.sleep(max(0.1, self.interval - (time.monotonic() - started)))

    async def _connect(self) -> asyncpg.Pool | None:
        try:
            return await asyncpg.create_pool(self.conns.postgres_dsn, min_size=1, max_size=1)
        except (OSError, asyncpg.PostgresError) as exc:
            log_event(self.logger, logging.WARNING, "postgres unreachable", error=repr(exc))
            self.up.labels("postgres").set(0)
            return None

    async def collect(self, client: aioredis.Redis, pool: asyncpg.Pool | None) -> None:
        try:
            snapshots = {q: await snapshot_queue(client, q) for q in self.queues}
        except aioredis.RedisError as exc:
            self.up.labels("redis").set(0)
            log_event(self.logger, logging.WARNING, "redis read failed", error=repr(exc))
            return
        self.up.labels("redis").set(1)
        for queue, snap in snapshots.items():
            for state, count in snap.counts.items():
                self.jobs.labels(queue, state).set(count)
        if pool is not None and QUEUE_NAME in snapshots:
            await self._count_lost(pool, snapshots[QUEUE_NAME])

    async def _count_lost(self, pool: asyncpg.Pool, snap: QueueSnapshot) -> None:
        # The queue is read before Postgres: a job that leaves the queue in between was credited
        # first (the worker commits the credit before completing the job), so it is not counted.
        try:
            rows = await pool.fetch(UNCREDITED_SQL, self.grace)
        except (OSError, asyncpg.PostgresError) as exc:
            self.up.labels("postgres").set(0)
            log_event(self.logger, logging.WARNING, "postgres read failed", error=repr(exc))
            return
        self.up.labels("postgres").set(1)
        self.lost.set(sum(1 for row in rows if row["id"] not in snap.pending_bet_ids))


def main() -> None:
    asyncio.run(Exporter().run())


if __name__ == "__main__":
    main()
