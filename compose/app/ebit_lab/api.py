"""ebit-api: HTTP API + socket.io gateway + bet_settled worker in one ASGI process, like NestJS.

Routes: GET /health, GET /metrics, GET /api/games?category=&page=, GET /api/players/{player_id},
POST /api/bets, POST /api/admin/signin. Admin credentials are seeded from ADMIN_DEFAULT_PASSWORD at
every start-up, so recreating the service with another value changes which password signs in.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import redis.asyncio as aioredis
import socketio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ebit_lab.catalogue import CATEGORIES, Catalogue
from ebit_lab.common import Connections, env_float, env_int, env_str, log_event, setup_logging
from ebit_lab.gateway import create_gateway
from ebit_lab.http_metrics import HttpMetricsMiddleware
from ebit_lab.metrics import ApiMetrics, exposition, new_registry
from ebit_lab.throttle import HandshakeThrottler
from ebit_lab.tracing import Tracer
from ebit_lab.worker import create_worker

SERVICE = "ebit-api"
PBKDF2_ROUNDS = 10_000


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    _, rounds, salt, digest = stored.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    return hmac.compare_digest(candidate.hex(), digest)


@dataclass
class Runtime:
    """What the handlers need once start-up is done."""

    pool: asyncpg.Pool
    cache: aioredis.Redis
    catalogue: Catalogue
    ready: asyncio.Event


class Api:
    def __init__(self) -> None:
        self.logger = setup_logging(SERVICE)
        self.conns = Connections.from_env()
        self.metrics = ApiMetrics(new_registry())
        self.tracer = Tracer(
            SERVICE, env_str("OTEL_EXPORTER_OTLP_ENDPOINT", "") or None, self.logger
        )
        self.throttler = HandshakeThrottler(
            rate=env_float("WS_HANDSHAKE_RATE", 5.0), burst=env_int("WS_HANDSHAKE_BURST", 20)
        )
        self.metrics.throttle.labels("rate_per_second").set(self.throttler.rate)
        self.metrics.throttle.labels("burst").set(self.throttler.burst)
        self.rt: Runtime | None = None

    # -- start-up and shutdown -------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        pool = await _retry(
            lambda: asyncpg.create_pool(self.conns.postgres_dsn, min_size=1, max_size=6)
        )
        cache = aioredis.from_url(self.conns.redis_url)
        catalogue = Catalogue(pool, cache, self.metrics, env_int("CACHE_TTL_SECONDS", 3600))
        self.rt = Runtime(pool, cache, catalogue, asyncio.Event())
        await self._seed_admin(pool)
        worker = create_worker(
            pool, self.conns.redis_url, self.metrics, self.logger, env_int("WORKER_CONCURRENCY", 4)
        )
        tasks = [asyncio.create_task(self._prewarm()), asyncio.create_task(self.tracer.run())]
        log_event(
            self.logger,
            logging.INFO,
            "ebit-api started",
            throttle_rate=self.throttler.rate,
            throttle_burst=self.throttler.burst,
            tracing=self.tracer.enabled,
        )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await worker.close()
            await cache.aclose()
            await pool.close()

    async def _seed_admin(self, pool: asyncpg.Pool) -> None:
        password = env_str("ADMIN_DEFAULT_PASSWORD", "")
        if not password:
            raise RuntimeError("ADMIN_DEFAULT_PASSWORD must be set")
        await pool.execute(
            "INSERT INTO admins (username, password_hash) VALUES ($1, $2) ON CONFLICT (username)"
            " DO UPDATE SET password_hash = excluded.password_hash, updated_at = now()",
            env_str("ADMIN_USERNAME", "admin"),
            hash_password(password),
        )
        log_event(self.logger, logging.INFO, "admin seeded from ADMIN_DEFAULT_PASSWORD")

    async def _prewarm(self) -> None:
        assert self.rt is not None
        filled = await self.rt.catalogue.prewarm(
            env_int("CACHE_PREWARM_PAGES", 25), env_int("CACHE_PREWARM_PLAYERS", 500)
        )
        self.rt.ready.set()
        log_event(self.logger, logging.INFO, "cache warmed", keys_filled=filled)

    # -- handlers --------------------------------------------------------------------------
    def runtime(self) -> Runtime:
        if self.rt is None:
            raise RuntimeError("not started")
        return self.rt

    async def health(self, request: Request) -> Response:
        ready = self.rt is not None and self.rt.ready.is_set()
        return JSONResponse(
            {"status": "ok" if ready else "warming"}, status_code=200 if ready else 503
        )

    async def metrics_endpoint(self, request: Request) -> Response:
        return Response(exposition(self.metrics.registry), media_type="text/plain; version=0.0.4")

    async def games(self, request: Request) -> Response:
        category = request.query_params.get("category", "slots")
        page = int(request.query_params.get("page", "0"))
        if category not in CATEGORIES or not 0 <= page < 750:
            return JSONResponse({"error": "unknown category or page"}, status_code=400)
        return JSONResponse({"games": await self.runtime().catalogue.games(category, page)})

    async def player(self, request: Request) -> Response:
        profile = await self.runtime().catalogue.player(int(request.path_params["player_id"]))
        if profile is None:
            return JSONResponse({"error": "no such player"}, status_code=404)
        return JSONResponse(profile)

    async def place_bet(self, request: Request) -> Response:
        body = await request.json()
        bet_id = await self.runtime().pool.fetchval(
            "INSERT INTO bets (player_id, game_id, stake, source)"
            " VALUES ($1, $2, $3, 'api') RETURNING id",
            int(body["player_id"]),
            int(body["game_id"]),
            float(body["stake"]),
        )
        return JSONResponse({"bet_id": bet_id, "status": "placed"}, status_code=201)

    async def signin(self, request: Request) -> Response:
        body = await request.json()
        username = str(body.get("username", ""))
        stored = await self.runtime().pool.fetchval(
            "SELECT password_hash FROM admins WHERE username = $1", username
        )
        if stored is None or not check_password(str(body.get("password", "")), stored):
            self.metrics.signins.labels("failure").inc()
            log_event(
                self.logger,
                logging.WARNING,
                "admin sign-in failed",
                username=username,
                reason="invalid credentials",
            )
            return JSONResponse({"error": "invalid credentials"}, status_code=401)
        self.metrics.signins.labels("success").inc()
        return JSONResponse({"token": secrets.token_urlsafe(24), "username": username})

    def routes(self) -> list[Route]:
        routes = [
            Route("/health", self.health),
            Route("/metrics", self.metrics_endpoint),
            Route("/api/games", self.games),
            Route("/api/players/{player_id:int}", self.player),
            Route("/api/bets", self.place_bet, methods=["POST"]),
            Route("/api/admin/signin", self.signin, methods=["POST"]),
        ]
        return routes


async def _retry(make: Callable[[], Any], attempts: int = 30) -> Any:
    for attempt in range(attempts):
        try:
            return await make()
        except (OSError, asyncpg.PostgresError):
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


def create_app() -> Any:
    api = Api()
    routes = api.routes()
    http_app = Starlette(routes=routes, lifespan=api.lifespan)
    wrapped = HttpMetricsMiddleware(
        http_app, service=SERVICE, metrics=api.metrics, logger=api.logger, tracer=api.tracer
    )
    for (
        route
    ) in routes:  # lets the middleware label by template when Starlette has no scope["route"]
        route.endpoint.__func__.route_path = route.path  # type: ignore[attr-defined]
    gateway = create_gateway(api.metrics, api.throttler, api.logger)
    return socketio.ASGIApp(gateway, other_asgi_app=wrapped, socketio_path="socket.io")


def main() -> None:
    uvicorn.run(
        create_app(),
        host="0.0.0.0",
        port=env_int("PORT", 8080),
        access_log=False,
        log_config=None,
        lifespan="on",
        ws="websockets",
    )


if __name__ == "__main__":
    main()
