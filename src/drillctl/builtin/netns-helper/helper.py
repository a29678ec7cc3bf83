"""drillctl's fault helper: runs inside its own container that joins a service's namespaces.

Standalone (stdlib only, Debian's python3): it is copied into the helper image, never imported by
drillctl. One JSON argument says what to do:

  mode      "run": apply the rules, serve (delay proxy, DNS), hold; undo on SIGTERM/SIGINT or once
            ``hold_s`` has passed (the dead-man switch: a killed drillctl leaves nothing behind).
            "undo": only sweep what carries ``tag`` and report what is left (recover, a dead helper).
  tag       every iptables rule carries it as its comment; the undo deletes every rule whose
            comment contains it, so a run-level prefix sweeps a whole run.
  rules     argv lists applied in order; a leading "iptables" runs the backend Docker uses here.
  proxy     {port, delay_ms, jitter_ms, mark}: a transparent TCP proxy adding delay upstream.
  dns       {port, name, address|null, mark}: answers ``name`` (NXDOMAIN or ``address``), forwards
            the rest to Docker's resolver.
  files     [{path, bytes|percent, max_bytes}]: filled on run, removed on undo.
  kill      ``ss -K`` filters: existing connections that must reconnect through the new rules.
  probe     {tcp: [[host, port]], resolve: [name], count}: measures round trips and resolution
            from inside the namespace (mode "probe"), so a fault's effect is measured, not assumed.

It prints one JSON line per step (ready, undone, error); drillctl reads them from the logs.
"""

import asyncio
import json
import os
import random
import re
import shlex
import signal
import socket
import struct
import subprocess
import sys
import time

SO_ORIGINAL_DST = 80
SO_MARK = 36
QDISC_HANDLE = "d7:"  # drillctl's tc qdiscs: the undo deletes only these
RESOLVER = ("127.0.0.11", 53)


def say(event, **data):
    print(json.dumps({"event": event, **data}), flush=True)


def run(argv, check=True):
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def backend():
    """The iptables flavour whose nat table holds Docker's DNS rules (else nft, Debian's default)."""
    for flavour in ("iptables-nft", "iptables-legacy"):
        if "DOCKER_OUTPUT" in run([f"{flavour}-save", "-t", "nat"], check=False):
            return flavour
    return "iptables-nft"


def resolved(argv, ipt):
    return [ipt, *argv[1:]] if argv[0] == "iptables" else argv


# --- undo ------------------------------------------------------------------------------------


def tagged_rules(ipt, tag):
    found = []
    for table in ("filter", "nat", "mangle"):
        for line in run([f"{ipt}-save", "-t", table], check=False).splitlines():
            if line.startswith("-A ") and tag in line:
                found.append((table, line))
    return found


def our_qdiscs():
    devices = run(["ip", "-o", "link", "show"], check=False).splitlines()
    names = [line.split(":")[1].strip().split("@")[0] for line in devices if ":" in line]
    ours = re.compile(rf"qdisc \w+ {QDISC_HANDLE} root")
    return [n for n in names if ours.search(run(["tc", "qdisc", "show", "dev", n], check=False))]


def leftovers(ipt, spec):
    left = [f"{table}: {line}" for table, line in tagged_rules(ipt, spec["tag"])]
    left += [f"tc qdisc {QDISC_HANDLE} on {dev}" for dev in our_qdiscs()]
    left += [f["path"] for f in spec.get("files", []) if os.path.exists(f["path"])]
    return left


def counters(ipt, tag):
    """Packets each tagged rule matched (its comment -> count), and drillctl's qdisc statistics."""
    found = {}
    for table in ("filter", "nat", "mangle"):
        for line in run([f"{ipt}-save", "-c", "-t", table], check=False).splitlines():
            if tag in line and line.startswith("["):
                comment = shlex.split(line)[shlex.split(line).index("--comment") + 1]
                found[comment] = found.get(comment, 0) + int(line[1:].split(":")[0])
    for dev in our_qdiscs():
        found[f"tc:{dev}"] = run(["tc", "-s", "qdisc", "show", "dev", dev], check=False).strip()
    return found


def undo(ipt, spec):
    """Delete what carries the tag; idempotent, tries everything, returns what is left."""
    for table, line in tagged_rules(ipt, spec["tag"]):
        args = shlex.split(line)
        run([ipt, "-t", table, "-D", *args[1:]], check=False)
    for dev in our_qdiscs():
        run(["tc", "qdisc", "del", "dev", dev, "root"], check=False)
    for entry in spec.get("files", []):
        if os.path.exists(entry["path"]):
            os.remove(entry["path"])
    return leftovers(ipt, spec)


# --- disk fill -------------------------------------------------------------------------------


def fill(entry):
    path = entry["path"]
    stat = os.statvfs(os.path.dirname(path))
    total, free = stat.f_blocks * stat.f_frsize, stat.f_bavail * stat.f_frsize
    size = entry.get("bytes") or int(total * entry["percent"] / 100) - (total - free)
    if size <= 0:
        return {"path": path, "bytes": 0, "used_pct": round(100 * (total - free) / total, 1)}
    if size > min(free, entry.get("max_bytes") or free):
        raise RuntimeError(f"filling {size} bytes exceeds the limit (free {free}, max {entry.get('max_bytes')})")
    with open(path, "wb") as out:
        os.posix_fallocate(out.fileno(), 0, size)
    after = os.statvfs(os.path.dirname(path))
    used = 100 * (1 - after.f_bavail / after.f_blocks)
    return {"path": path, "bytes": size, "used_pct": round(used, 1)}


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
            asyncio.ensure_future(self.forward(data, addr))

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
    """Milliseconds from sending a small request to the first byte of the answer (new connection)."""
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
        return {"name": name, "addresses": sorted({a[4][0] for a in socket.getaddrinfo(name, None)})}
    except OSError as exc:
        return {"name": name, "error": str(exc)}


def probe(conf):
    count = conf.get("count", 10)
    tcp = [probe_tcp(host, int(port), count) for host, port in conf.get("tcp", [])]
    return {"tcp": tcp, "resolve": [probe_name(n) for n in conf.get("resolve", [])]}


# --- capabilities --------------------------------------------------------------------------


def works(argvs):
    return all(subprocess.run(a, capture_output=True, check=False).returncode == 0 for a in argvs)


def capabilities(ipt):
    """What this kernel offers, tried for real in this namespace and removed at once."""
    chain = "DRILLCTL-CAPS"
    found = {
        "netem": works([["tc", "qdisc", "add", "dev", "lo", "root", "handle", "d8:", "netem",
                         "delay", "1ms"]]),
        "tbf": works([["tc", "qdisc", "add", "dev", "lo", "root", "handle", "d9:", "tbf", "rate",
                       "100mbit", "burst", "32kbit", "latency", "50ms"]]),
    }
    run(["tc", "qdisc", "del", "dev", "lo", "root"], check=False)
    statistic = ["-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "RETURN"]
    found["statistic"] = works([[ipt, "-N", chain], [ipt, "-A", chain, *statistic]])
    found["redirect"] = works([[ipt, "-t", "nat", "-N", chain],
                               [ipt, "-t", "nat", "-A", chain, "-p", "tcp", "-j", "REDIRECT",
                                "--to-ports", "9"]])
    for table in ("filter", "nat"):
        works([[ipt, "-t", table, "-F", chain], [ipt, "-t", table, "-X", chain]])
    return found


# --- main ------------------------------------------------------------------------------------


async def hold(spec, ipt):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    why = {"by": "dead-man"}
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: (why.update(by=signal.Signals(s).name), stop.set()))
    servers, filled = [], []
    try:
        if spec.get("proxy"):
            servers.append(await proxy(spec["proxy"]))
        if spec.get("dns"):
            transport, _ = await loop.create_datagram_endpoint(
                lambda: Dns(spec["dns"]), local_addr=("127.0.0.1", spec["dns"]["port"])
            )
            servers.append(transport)
        filled = [fill(entry) for entry in spec.get("files", [])]
        for argv in spec.get("rules", []):
            run(resolved(argv, ipt))
        killed = [run(["ss", "-K", *shlex.split(f)], check=False).count("\n") for f in spec.get("kill", [])]
    except Exception as exc:  # say why, put everything back, fail
        say("error", error=str(exc), left=undo(ipt, spec))
        return 2
    say("ready", backend=ipt, rules=len(spec.get("rules", [])), filled=filled, killed=killed)
    try:
        await asyncio.wait_for(stop.wait(), spec["hold_s"])
    except TimeoutError:
        pass
    for server in servers:
        server.close()
    seen = counters(ipt, spec["tag"])
    left = undo(ipt, spec)
    say("undone", left=left, counters=seen, **why)
    return 1 if left else 0


def main():
    spec = json.loads(sys.argv[1])
    ipt = backend()
    if spec.get("mode") == "probe":
        say("probe", **probe(spec["probe"]))
        return 0
    if spec.get("mode") == "caps":
        say("caps", backend=ipt, **capabilities(ipt))
        return 0
    if spec.get("mode") == "list":  # read only: what carries the tag (tests, doctor)
        say("list", left=leftovers(ipt, spec))
        return 0
    if spec.get("mode") == "undo":
        left = undo(ipt, spec)
        say("undone", left=left, by="undo")
        return 1 if left else 0
    return asyncio.run(hold(spec, ipt))


if __name__ == "__main__":
    sys.exit(main())
