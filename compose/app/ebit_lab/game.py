"""ebit-game: a round every ROUND_SECONDS settles bets and enqueues one bet_settled job per bet.

Each round settles the bets players placed through ebit-api plus SIM_BETS_PER_ROUND bets of its
own simulated players, so jobs keep arriving on bet_settled_queue while ebit-api (the consumer) is
down. Payouts above BIG_WIN_PAYOUT are held for review: their jobs are delayed by BIG_WIN_HOLD_MS
(BullMQ's delayed state), as production holds large wins before crediting them.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import asyncpg
from bullmq import Queue
from prometheus_client import Counter, start_http_server

from ebit_lab.common import (
    JOB_NAME,
    QUEUE_NAME,
    Connections,
    env_float,
    env_int,
    log_event,
    new_trace_id,
    setup_logging,
)
from ebit_lab.metrics import new_registry

SERVICE = "ebit-game"

SETTLE_SQL = """
WITH sim AS (
    INSERT INTO bets (player_id, game_id, stake, source)
    SELECT 1 + floor(random() * 20000)::int, 1 + floor(random() * 60000)::int,
           round((1 + random() * 48)::numeric, 2), 'game'
    FROM generate_series(1, $1)
    RETURNING id
), due AS (
    SELECT id FROM bets WHERE status = 'placed' ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
)
UPDATE bets b
SET status = 'settled', settled_at = now(),
    payout = CASE WHEN random() < $2
                  THEN greatest($3::numeric, round((b.stake * (2 + random() * 48))::numeric, 2))
                  WHEN random() < 0.5 THEN round(b.stake * 2, 2) ELSE 0 END
WHERE b.id IN (SELECT id FROM due) OR b.id IN (SELECT id FROM sim)
RETURNING b.id, b.player_id, b.payout::float8 AS payout
"""


class Game:
    def __init__(self) -> None:
        self.logger = setup_logging(SERVICE)
        self.conns = Connections.from_env()
        self.registry = new_registry()
        self.settled = Counter(
            "ebit_bets_settled", "Bets settled by the game rounds.", registry=self.registry
        )
        self.enqueue_errors = Counter(
            "ebit_game_enqueue_errors", "bet_settled jobs not enqueued.", registry=self.registry
        )
        self.round_seconds = env_float("ROUND_SECONDS", 1.0)
        self.sim_bets = env_int("SIM_BETS_PER_ROUND", 4)
        self.big_win_share = env_float("BIG_WIN_SHARE", 0.2)
        self.big_win_payout = env_float("BIG_WIN_PAYOUT", 100.0)
        self.hold_ms = env_int("BIG_WIN_HOLD_MS", 10_000)

    async def run(self) -> None:
        start_http_server(env_int("METRICS_PORT", 9102), registry=self.registry)
        pool = await _connect(self.conns.postgres_dsn)
        queue = Queue(QUEUE_NAME, {"connection": self.conns.redis_url})
        log_event(
            self.logger,
            logging.INFO,
            "ebit-game started",
            round_seconds=self.round_seconds,
            sim_bets_per_round=self.sim_bets,
        )
        round_no = 0
        while True:
            round_no += 1
            try:
                await self.play_round(pool, queue, round_no)
            except Exception as exc:  # a failed round is logged; the next round retries
                log_event(
                    self.logger, logging.ERROR, "round failed", round=round_no, error=repr(exc)
                )
            await asyncio.sleep(self.round_seconds)

    async def play_round(self, pool: asyncpg.Pool, queue: Queue, round_no: int) -> None:
        trace_id = new_trace_id()
        rows = await pool.fetch(SETTLE_SQL, self.sim_bets, self.big_win_share, self.big_win_payout)
        self.settled.inc(len(rows))
        for row in rows:
            await self.enqueue(queue, dict(row), trace_id, round_no)

    async def enqueue(
        self, queue: Queue, bet: dict[str, Any], trace_id: str, round_no: int
    ) -> None:
        data = {
            "bet_id": bet["id"],
            "player_id": bet["player_id"],
            "payout": bet["payout"],
            "trace_id": trace_id,
            "round": round_no,
        }
        opts: dict[str, Any] = {
            "jobId": f"bet-{bet['id']}",
            "removeOnComplete": {"count": 1000},
            "removeOnFail": {"count": 1000},
        }
        if bet["payout"] >= self.big_win_payout:
            opts["delay"] = self.hold_ms
        try:
            await queue.add(JOB_NAME, data, opts)
        except (
            Exception
        ) as exc:  # Redis down or flushed mid-call: the bet stays settled, uncredited
            self.enqueue_errors.inc()
            log_event(
                self.logger, logging.ERROR, "enqueue failed", bet_id=bet["id"], error=repr(exc)
            )


async def _connect(dsn: str) -> asyncpg.Pool:
    for _ in range(60):
        try:
            return await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(1)
    raise RuntimeError("postgres unreachable")


def main() -> None:
    random.seed()
    asyncio.run(Game().run())


if __name__ == "__main__":
    main()
