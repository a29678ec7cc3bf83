"""smoke: steady traffic against ebit-api from inside the compose network (its own source address).

Game-list reads through the cache (SMOKE_GAMES_RPS), player-profile reads (SMOKE_PLAYERS_RPS), bet
placements (SMOKE_BETS_RPS), an admin sign-in every SMOKE_SIGNIN_SECONDS with the known-good
password, and SMOKE_WS_CLIENTS long-lived socket.io clients that send a heartbeat every few
seconds. Its own metrics (port 9500) let tests check that its clients stay connected in a storm.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

import httpx
import socketio
from prometheus_client import Counter, Gauge, start_http_server

from ebit_lab.catalogue import CATEGORIES
from ebit_lab.common import env_float, env_int, env_str, log_event, setup_logging
from ebit_lab.metrics import new_registry

SERVICE = "smoke"


class Smoke:
    def __init__(self) -> None:
        self.logger = setup_logging(SERVICE)
        self.base = env_str("API_URL", "http://ebit-api:8080")
        self.registry = new_registry()
        self.requests = Counter(
            "smoke_requests", "Requests sent by smoke.", ["kind", "result"], registry=self.registry
        )
        self.ws_connected = Gauge(
            "smoke_ws_connected_clients",
            "smoke's socket.io clients connected.",
            registry=self.registry,
        )
        self.ws_errors = Counter(
            "smoke_ws_connect_errors", "smoke's failed socket.io connects.", registry=self.registry
        )
        self.ws_disconnects = Counter(
            "smoke_ws_disconnects", "smoke's socket.io disconnects.", registry=self.registry
        )
        self.pages = env_int("CACHE_PREWARM_PAGES", 25)
        self.players = env_int("CACHE_PREWARM_PLAYERS", 500)

    async def run(self) -> None:
        start_http_server(env_int("METRICS_PORT", 9500), registry=self.registry)
        log_event(self.logger, logging.INFO, "smoke started", api=self.base)
        async with httpx.AsyncClient(base_url=self.base, timeout=5.0) as http:
            loops = [
                self.every(
                    1 / env_float("SMOKE_GAMES_RPS", 12), "games", lambda: self.read_games(http)
                ),
                self.every(
                    1 / env_float("SMOKE_PLAYERS_RPS", 4), "players", lambda: self.read_player(http)
                ),
                self.every(
                    1 / env_float("SMOKE_BETS_RPS", 2), "bets", lambda: self.place_bet(http)
                ),
                self.every(
                    env_float("SMOKE_SIGNIN_SECONDS", 2), "signin", lambda: self.sign_in(http)
                ),
            ]
            clients = [self.ws_client(i) for i in range(env_int("SMOKE_WS_CLIENTS", 3))]
            await asyncio.gather(*loops, *clients)

    async def every(
        self, period: float, kind: str, call: Callable[[], Awaitable[httpx.Response]]
    ) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            try:
                response = await call()
                self.requests.labels(kind, str(response.status_code)).inc()
            except httpx.HTTPError as exc:
                self.requests.labels(kind, type(exc).__name__).inc()
            next_at = max(next_at + period, loop.time())
            await asyncio.sleep(next_at - loop.time())

    def read_games(self, http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        params = {"category": random.choice(CATEGORIES), "page": random.randrange(self.pages)}
        return http.get("/api/games", params=params)

    def read_player(self, http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return http.get(f"/api/players/{random.randint(1, self.players)}")

    def place_bet(self, http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        bet = {
            "player_id": random.randint(1, 20000),
            "game_id": random.randint(1, 60000),
            "stake": round(random.uniform(1, 49), 2),
        }
        return http.post("/api/bets", json=bet)

    def sign_in(self, http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        creds = {
            "username": env_str("ADMIN_USERNAME", "admin"),
            "password": env_str("SMOKE_ADMIN_PASSWORD", ""),
        }
        return http.post("/api/admin/signin", json=creds)

    async def ws_client(self, index: int) -> None:
        client = socketio.AsyncClient(
            reconnection=True, reconnection_delay=1, reconnection_delay_max=5
        )

        @client.event
        async def connect() -> None:
            self.ws_connected.inc()

        @client.event
        async def disconnect(*args: object) -> None:
            self.ws_connected.dec()
            self.ws_disconnects.inc()

        @client.event
        async def connect_error(data: object) -> None:
            self.ws_errors.inc()
            log_event(
                self.logger, logging.WARNING, "socket.io connect error", client=index, data=data
            )

        await self._connect_until_up(client)
        while True:
            await asyncio.sleep(5)
            if client.connected:
                await client.emit("heartbeat", {"client": index})

    async def _connect_until_up(self, client: socketio.AsyncClient) -> None:
        while True:
            try:
                await client.connect(self.base, socketio_path="socket.io", transports=["websocket"])
                return
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(2)


def main() -> None:
    asyncio.run(Smoke().run())


if __name__ == "__main__":
    main()
