"""The swarm lab's edge: one published port in front of the ebit-api replicas (a TCP proxy).

Swarm's routing mesh would balance a published port across replicas, but it needs IPVS, which
this kind of machine lacks; and a host-mode port binds once per node, so two replicas on one node
cannot both publish it. The edge publishes the port instead and spreads connections over the
addresses `tasks.ebit-api` answers, trying the next one when a connection is refused, as a load
balancer in front of a real swarm would. Standard library only; run by the lab's python image.
"""

import asyncio
import itertools
import os
import socket

UPSTREAM = os.environ.get("EDGE_UPSTREAM", "tasks.ebit-api")
UPSTREAM_PORT = int(os.environ.get("EDGE_UPSTREAM_PORT", "8080"))
LISTEN_PORT = int(os.environ.get("EDGE_PORT", "8080"))
CONNECT_TIMEOUT_S = 1.0
_turn = itertools.count()


async def upstreams() -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(UPSTREAM, UPSTREAM_PORT, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    addresses = sorted({info[4][0] for info in infos})
    start = next(_turn) % len(addresses) if addresses else 0
    return addresses[start:] + addresses[:start]


async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    for address in await upstreams():
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(address, UPSTREAM_PORT), CONNECT_TIMEOUT_S
            )
        except (TimeoutError, OSError):
            continue
    return None


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
    upstream = await connect()
    if upstream is None:
        client_w.close()
        return
    up_r, up_w = upstream
    await asyncio.gather(pipe(client_r, up_w), pipe(up_r, client_w))


async def main() -> None:
    server = await asyncio.start_server(handle, "0.0.0.0", LISTEN_PORT)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
