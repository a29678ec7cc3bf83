"""Redis probe: ``query`` is a command (``LLEN bull:bet_settled_queue:wait``, ``DBSIZE``), split
like a shell would but never run by one; ``dsn`` is ``redis://:password@host:port/db``. The value
is the reply as a number: integers and numeric strings as such, a list by its length, nil as None.
One connection pool per DSN for the observer's lifetime (``aclose`` releases them)."""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any

import redis.asyncio as aioredis
from redis import __version__ as redis_version
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import Evidence, QueryError
from drillctl.scenario.model import EvidenceQuery, Signal


def reply_number(reply: Any) -> float | None:
    if reply is None:
        return None
    if isinstance(reply, list | tuple | set | dict):
        return float(len(reply))
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    try:
        return float(reply)
    except (TypeError, ValueError):
        return None


class RedisProbe:
    name = "redis"

    def __init__(self, *, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._clients: dict[str, aioredis.Redis] = {}

    def _client(self, dsn: str) -> aioredis.Redis:
        if dsn not in self._clients:
            self._clients[dsn] = aioredis.from_url(
                dsn, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
            )
        return self._clients[dsn]

    async def check(self) -> dict[str, Any]:
        return {"version": f"redis-py {redis_version}"}

    async def command(self, dsn: str | None, command: str, subject: str) -> Any:
        if not dsn:
            raise QueryError(self.name, "a redis probe needs `dsn`", subject)
        argv = shlex.split(command)
        if not argv:
            raise QueryError(self.name, "empty command", subject)
        try:
            return await self._client(dsn).execute_command(*argv)
        except ResponseError as exc:
            raise QueryError(self.name, str(exc), subject) from exc
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise SourceUnavailable(self.name, f"{subject}: {exc}") from exc
        except RedisError as exc:
            raise QueryError(self.name, str(exc), subject) from exc

    async def read(self, signal: Signal, at: datetime) -> float | None:
        return reply_number(await self.command(signal.dsn, signal.query, f"signal {signal.name}"))

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        raise QueryError(self.name, "probes give signals, not evidence", query.name)

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
