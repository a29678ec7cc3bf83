"""Re-warm the read-through cache now, as ebit-api does at start-up (a deploy warm-up job).

``docker compose exec ebit-api python -m ebit_lab.warm`` puts a flushed lab back in steady state
without restarting ebit-api.
"""

from __future__ import annotations

import asyncio

import asyncpg
import redis.asyncio as aioredis

from ebit_lab.catalogue import Catalogue
from ebit_lab.common import Connections, env_int
from ebit_lab.metrics import ApiMetrics, new_registry


async def warm() -> int:
    conns = Connections.from_env()
    pool = await asyncpg.create_pool(conns.postgres_dsn, min_size=1, max_size=1)
    cache = aioredis.from_url(conns.redis_url)
    try:
        catalogue = Catalogue(
            pool, cache, ApiMetrics(new_registry()), env_int("CACHE_TTL_SECONDS", 3600)
        )
        return await catalogue.prewarm(
            env_int("CACHE_PREWARM_PAGES", 25), env_int("CACHE_PREWARM_PLAYERS", 500)
        )
    finally:
        await cache.aclose()
        await pool.close()


def main() -> None:
    print(f"cache warmed: {asyncio.run(warm())} keys written")  # noqa: T201


if __name__ == "__main__":
    main()
