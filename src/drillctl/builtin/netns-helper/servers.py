"""The helper's servers: the delaying TCP proxy, the DNS responder, the probes (see helper.py).

Standalone (stdlib only), copied into the helper image beside helper.py.
"""

import asyncio
import random
import socket
import struct
import time

SO_ORIGINAL_DST = 80
SO_MARK = 36
RESOLVER = ("127.0.0.11", 53)  # Docker's embedded resolver, inside every container's namespace


# --- delay proxy -----------------------------------------------------------------------------


async def copy(reader, writer, delay_s=0.0, jitter_s=0.0):
    """Forward in order; each chunk leaves ``delay_s`` (+- jitter) after it arrived here.

    ``writer`` may be a future (the upstream connection, still being made): reading starts at
    once, so the delay counts from each chunk's arrival, as it would on the wire.
    """
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def feed():
        last = 0.0
        try:
            while data := await reader.read(65536):
                jitter = random.uniform(-jitter_s, jitter_s)
                last = max(last, loop.time() + max(0.0, delay_s + jitter))
                queue.put_nowait((last, data))
        except (ConnectionError, OSError):
            pass
        queue.put_nowait((0.0, b""))

    feeding = asyncio.ensure_future(feed())
    try:
        out = await writer if asyncio.isfuture(writer) else writer
        while (item := await queue.get())[1]:
            await asyncio.sleep(max(0.0, item[0] - loop.time()))
            out.write(item[1])
            await out.drain()
        if out.can_write_eof():
            out.write_eof()  # a half-close: the answer may still come back
    except (ConnectionError, OSError):
        pass
    finally:
        feeding.cancel()


def original_destination(sock):
    raw = sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    return socket.inet_ntoa(raw[4:8]), struct.unpack(">H", raw[2:4])[0]


async def marked_connection(host, port, mark):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)  # our own rules let marked packets pass
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, port))
    return await asyncio.open_connection(sock=sock)


async def writer_of(upstream):
    return (await upstream)[1]


async def copy_back(upstream, writer):
    try:
        up_reader, _ = await upstream
    except OSError:
        writer.close()
        return
    await copy(up_reader, writer)


async def proxy(conf):
    delay_s, jitter_s = conf["delay_ms"] / 1000, conf.get("jitter_ms", 0) / 1000

    async def handle(reader, writer):
        host, port = original_destination(writer.get_extra_info("socket"))
        upstream = asyncio.ensure_future(marked_connection(host, port, conf["mark"]))
        up_writer = asyncio.ensure_future(writer_of(upstream))
        try:
            await asyncio.gather(
                copy(reader, up_writer, delay_s, jitter_s), copy_back(upstream, writer)
            )
        finally:
            writer.close()
            if upstream.done() and not upstream.exception():
                upstream.result()[1].close()

    return await asyncio.start_server(handle, "0.0.0.0", conf["port"])


# --- DNS -------------------------------------------------------------------------------------


def question(packet):
    labels, at = [], 12
    while packet[at]:
        labels.append(packet[at + 1 : at + 1 + packet[at]].decode("ascii", "replace"))
        at += packet[at] + 1
    qtype = struct.unpack(">H", packet[at + 1 : at + 3])[0]
    return ".".join(labels).lower(), qtype, at + 5


def answer(packet, end, qtype, address):
    rcode = 3 if address is None else 0
    answers = 1 if address and qtype == 1 else 0
    head = packet[:2] + struct.pack(">HHHHH", 0x8180 | rcode, 1, answers, 0, 0)
    body = packet[12:end]
    if answers:
        body += struct.pack(">HHHIH", 0xC00C, 1, 1, 0, 4) + socket.inet_aton(address)
    return head + body


class Dns(asyncio.DatagramProtocol):
    def __init__(self, conf):
        self.conf = conf
        self.name = conf["name"].lower().rstrip(".")
        self.pending = set()

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        try:
            name, qtype, end = question(data)
        except (IndexError, struct.error):
            return
        if name == self.name or name.startswith(self.name + "."):
            self.transport.sendto(answer(data, end, qtype, self.conf.get("address")), addr)
        else:
            task = asyncio.ensure_future(self.forward(data, addr))
            self.pending.add(task)  # keep a reference until it is done
            task.add_done_callback(self.pending.discard)

    async def forward(self, data, addr):
        loop = asyncio.get_running_loop()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, SO_MARK, self.conf["mark"])
            sock.setblocking(False)
            await loop.sock_sendto(sock, data, RESOLVER)
            try:
                reply, _ = await asyncio.wait_for(loop.sock_recvfrom(sock, 4096), 5)
            except TimeoutError:
                return
        self.transport.sendto(reply, addr)


# --- probe ---------------------------------------------------------------------------------


PAYLOADS = {5432: struct.pack(">II", 8, 80877103), 6379: b"PING\r\n"}  # SSLRequest; PING


def round_trip(host, port, timeout=5.0):
    """Milliseconds from sending a small request to the answer's first byte (a new connection)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        started = time.monotonic()
        sock.sendall(PAYLOADS.get(port, b"HEAD / HTTP/1.0\r\n\r\n"))
        sock.recv(1)
        return (time.monotonic() - started) * 1000


def percentile(values, pct):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))], 1)


def probe_tcp(host, port, count):
    times, errors = [], []
    for _ in range(count):
        try:
            times.append(round_trip(host, port))
        except OSError as exc:
            errors.append(type(exc).__name__)
    result = {"target": f"{host}:{port}", "ok": len(times), "failed": len(errors)}
    if times:
        result.update(p50_ms=percentile(times, 50), p95_ms=percentile(times, 95))
    return {**result, "errors": sorted(set(errors))}


def probe_name(name):
    try:
        return {
            "name": name,
            "addresses": sorted({a[4][0] for a in socket.getaddrinfo(name, None)}),
        }
    except OSError as exc:
        return {"name": name, "error": str(exc)}


def probe(conf):
    count = conf.get("count", 10)
    tcp = [probe_tcp(host, int(port), count) for host, port in conf.get("tcp", [])]
    return {"tcp": tcp, "resolve": [probe_name(n) for n in conf.get("resolve", [])]}
