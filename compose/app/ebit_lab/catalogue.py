"""Read-through cache in ebit-redis-cache for the game catalogue and player profiles.

A hit is one Redis GET (well under a millisecond); a miss runs a real Postgres query (sequential
scans over ~60k games or ~200k activity rows: tens of milliseconds) and stores the answer.
The key space (CATEGORIES x CATALOGUE_PAGES pages + the smoke players' profiles) is large enough
that a flushed cache re-warms over tens of seconds of traffic, not within one scrape.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from ebit_lab.metrics import ApiMetrics

CATEGORIES = ("slots", "live", "table", "crash", "jackpot", "bingo", "poker", "sports")
PAGE_SIZE = 20

GAMES_SQL = """
SELECT id, name, provider, rtp::float8 AS rtp, min_bet::float8 AS min_bet,
       max_bet::float8 AS max_bet, popularity
FROM games WHERE category = $1
ORDER BY popularity DESC, id LIMIT $2 OFFSET $3
"""

PLAYER_SQL = """
SELECT p.id, p.username, p.country, p.vip_level, w.balance::float8 AS balance,
       s.plays, s.net::float8 AS net, s.last_played
FROM players p
JOIN wallets w ON w.player_id = p.id
CROSS JOIN LATERAL (
    SELECT count(*) AS plays, coalesce(sum(a.payout - a.stake), 0) AS net, max(a.at) AS last_played
    FROM player_activity a WHERE a.player_id = p.id
) s
WHERE p.id = $1
"""

PLAYERS_BULK_SQL = """
SELECT p.id, p.username, p.country, p.vip_level, w.balance::float8 AS balance,
       coalesce(s.plays, 0) AS plays, coalesce(s.net, 0)::float8 AS net, s.last_played
FROM players p
JOIN wallets w ON w.player_id = p.id
LEFT JOIN (
    SELECT player_id, count(*) AS plays, sum(payout - stake) AS net, max(at) AS last_played
    FROM player_activity WHERE player_id <= $1 GROUP BY player_id
) s ON s.player_id = p.id
WHERE p.id <= $1
"""


def games_key(category: str, page: int) -> str:
    return f"cache:games:{category}:{page}"


def player_key(player_id: int) -> str:
    return f"cache:player:{player_id}"


@dataclass
class Catalogue:
    pool: asyncpg.Pool
    cache: aioredis.Redis
    metrics: ApiMetrics
    ttl_seconds: int

    async def games(self, category: str, page: int) -> Any:
        return await self._read_through(
            games_key(category, page), lambda: self._query_games(category, page)
        )

    async def player(self, player_id: int) -> Any:
        return await self._read_through(
            player_key(player_id), lambda: self._query_player(player_id)
        )

    async def _read_through(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        cached = await self.cache.get(key)
        if cached is not None:
            self.metrics.cache.labels("hit").inc()
            return json.loads(cached)
        self.metrics.cache.labels("miss").inc()
        text = json.dumps(await load(), default=str)  # dates become strings, as a hit returns them
        await self.cache.set(key, text, ex=self.ttl_seconds)
        return json.loads(text)

    async def _query_games(self, category: str, page: int) -> list[dict[str, Any]]:
        rows = await self.pool.fetch(GAMES_SQL, category, PAGE_SIZE, page * PAGE_SIZE)
        return [dict(row) for row in rows]

    async def _query_player(self, player_id: int) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(PLAYER_SQL, player_id)
        return dict(row) if row else None

    async def prewarm(self, pages: int, players: int) -> int:
        """Fill the keys the steady traffic reads, as a deploy warm-up would: a few bulk queries
        (one per category, one for all profiles), not one miss per key. Returns keys written."""
        values: dict[str, Any] = {}
        for category in CATEGORIES:
            rows = await self.pool.fetch(GAMES_SQL, category, PAGE_SIZE * pages, 0)
            for page in range(pages):
                chunk = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
                values[games_key(category, page)] = [dict(row) for row in chunk]
        for row in await self.pool.fetch(PLAYERS_BULK_SQL, players):
            values[player_key(row["id"])] = dict(row)
        async with self.cache.pipeline(transaction=False) as pipe:
            for key, value in values.items():
                pipe.set(key, json.dumps(value, default=str), ex=self.ttl_seconds, nx=True)
            written = await pipe.execute()
        return sum(1 for ok in written if ok)
