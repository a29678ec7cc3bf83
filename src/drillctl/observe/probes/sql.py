"""SQL probe (PostgreSQL through asyncpg): ``query`` returns one number (the first column of
the first row), e.g. ``SELECT count(*) FROM bets WHERE settled AND NOT credited``; ``dsn`` is
``postgresql://user:password@host:port/db``. One connection per DSN, reopened when it drops."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import Evidence, QueryError
from drillctl.scenario.model import EvidenceQuery, Signal


def row_number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class SqlProbe:
    name = "sql"

    def __init__(self, *, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._connections: dict[str, asyncpg.Connection] = {}

    async def check(self) -> dict[str, Any]:
        return {"version": f"asyncpg {asyncpg.__version__}"}

    async def _connection(self, dsn: str) -> asyncpg.Connection:
        connection = self._connections.get(dsn)
        if connection is None or connection.is_closed():
            connection = await asyncpg.connect(dsn, timeout=self.timeout)
            self._connections[dsn] = connection
        return connection

    async def value(self, dsn: str | None, query: str, subject: str) -> float | None:
        if not dsn:
            raise QueryError(self.name, "an sql probe needs `dsn`", subject)
        try:
            connection = await self._connection(dsn)
            return row_number(await connection.fetchval(query, timeout=self.timeout))
        except asyncpg.PostgresError as exc:
            raise QueryError(self.name, str(exc), subject) from exc
        except (OSError, asyncpg.InterfaceError, TimeoutError) as exc:
            self._connections.pop(dsn, None)
            raise SourceUnavailable(self.name, f"{subject}: {type(exc).__name__}: {exc}") from exc

    async def read(self, signal: Signal, at: datetime) -> float | None:
        return await self.value(signal.dsn, signal.query, f"signal {signal.name}")

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        raise QueryError(self.name, "probes give signals, not evidence", query.name)

    async def aclose(self) -> None:
        for connection in self._connections.values():
            await connection.close()
        self._connections.clear()
