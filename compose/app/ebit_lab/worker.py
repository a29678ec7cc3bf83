"""The bet_settled worker: credits each settled bet's payout to the player's wallet, exactly once.

The credit and the bet's ``credited_at`` commit in one transaction before BullMQ marks the job
completed, so a job replayed after a crash (stalled job) cannot credit twice, and a job that is no
longer in the queue either was credited or is lost (ebit-exporter counts the latter).
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from bullmq import Worker

from ebit_lab.common import QUEUE_NAME, TRACE_ID, log_event
from ebit_lab.metrics import ApiMetrics

CREDIT_SQL = """
WITH bet AS (
    UPDATE bets SET credited_at = now()
    WHERE id = $1 AND status = 'settled' AND credited_at IS NULL
    RETURNING player_id, payout
)
UPDATE wallets w SET balance = w.balance + bet.payout, updated_at = now()
FROM bet WHERE w.player_id = bet.player_id
RETURNING w.player_id
"""


def create_worker(
    pool: asyncpg.Pool,
    redis_url: str,
    metrics: ApiMetrics,
    logger: logging.Logger,
    concurrency: int,
) -> Worker:
    async def credit(job: Any, token: str) -> dict[str, Any]:
        TRACE_ID.set(str(job.data.get("trace_id") or ""))
        bet_id = int(job.data["bet_id"])
        credited = await pool.fetchval(CREDIT_SQL, bet_id)
        if credited is not None:
            metrics.credited.inc()
        else:
            log_event(logger, logging.INFO, "bet already credited or unknown", bet_id=bet_id)
        return {"credited": credited is not None}

    worker = Worker(
        QUEUE_NAME,
        credit,
        {
            "connection": redis_url,
            "concurrency": concurrency,
            "autorun": True,
            "removeOnComplete": {"count": 1000},
            "removeOnFail": {"count": 1000},
        },
    )
    worker.on(
        "error", lambda err, *a: log_event(logger, logging.ERROR, "worker error", error=str(err))
    )
    return worker
