"""drillctl's fault helper: runs inside its own container that joins a service's namespaces.

Standalone (stdlib only, Debian's python3): it is copied into the helper image, never imported by
drillctl. One JSON argument says what to do:

  mode      "run": apply the rules, serve (delay proxy, DNS), hold; undo on SIGTERM/SIGINT or once
            ``hold_s`` has passed (the dead-man switch: a killed drillctl leaves nothing behind).
            "undo": only sweep what carries ``tag``, report what is left (recover, a dead helper).
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
import contextlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from servers import Dns, probe, proxy  # beside this file in the image

QDISC_HANDLE = "d7:"  # drillctl's tc qdiscs: the undo deletes only these


def say(event, **data):
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


def run(argv, check=True):
    # argv lists only, from the spec drillctl wrote (never a shell string)
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def backend():
    """The iptables flavour whose nat table holds Docker's DNS rules (else Debian's nft)."""
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
    shown = {n: run(["tc", "qdisc", "show", "dev", n], check=False) for n in names}
    return [n for n in names if ours.search(shown[n])]


def leftovers(ipt, spec):
    left = [f"{table}: {line}" for table, line in tagged_rules(ipt, spec["tag"])]
    left += [f"tc qdisc {QDISC_HANDLE} on {dev}" for dev in our_qdiscs()]
    left += [f["path"] for f in spec.get("files", []) if Path(f["path"]).exists()]
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
        Path(entry["path"]).unlink(missing_ok=True)
    return leftovers(ipt, spec)


# --- disk fill -------------------------------------------------------------------------------


def fill(entry):
    path = Path(entry["path"])
    stat = os.statvfs(path.parent)
    total, free = stat.f_blocks * stat.f_frsize, stat.f_bavail * stat.f_frsize
    size = entry.get("bytes") or int(total * entry["percent"] / 100) - (total - free)
    if size <= 0:
        used = round(100 * (total - free) / total, 1)
        return {"path": str(path), "bytes": 0, "used_pct": used}
    limit = entry.get("max_bytes") or free
    if size > min(free, limit):
        raise RuntimeError(f"filling {size} bytes exceeds the limit (free {free}, max {limit})")
    with path.open("wb") as out:
        os.posix_fallocate(out.fileno(), 0, size)
    after = os.statvfs(path.parent)
    used = 100 * (1 - after.f_bavail / after.f_blocks)
    return {"path": str(path), "bytes": size, "used_pct": round(used, 1)}


# --- capabilities --------------------------------------------------------------------------


def works(argvs):
    return all(
        subprocess.run(a, capture_output=True, check=False).returncode == 0  # noqa: S603
        for a in argvs
    )


def capabilities(ipt):
    """What this kernel offers, tried for real in this namespace and removed at once."""
    chain = "DRILLCTL-CAPS"
    found = {
        "netem": works(
            [["tc", "qdisc", "add", "dev", "lo", "root", "handle", "d8:", "netem", "delay", "1ms"]]
        ),
        "tbf": works(
            [
                [
                    "tc",
                    "qdisc",
                    "add",
                    "dev",
                    "lo",
                    "root",
                    "handle",
                    "d9:",
                    "tbf",
                    "rate",
                    "100mbit",
                    "burst",
                    "32kbit",
                    "latency",
                    "50ms",
                ]
            ]
        ),
    }
    run(["tc", "qdisc", "del", "dev", "lo", "root"], check=False)
    statistic = ["-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "RETURN"]
    found["statistic"] = works([[ipt, "-N", chain], [ipt, "-A", chain, *statistic]])
    found["redirect"] = works(
        [
            [ipt, "-t", "nat", "-N", chain],
            [ipt, "-t", "nat", "-A", chain, "-p", "tcp", "-j", "REDIRECT", "--to-ports", "9"],
        ]
    )
    for table in ("filter", "nat"):
        works([[ipt, "-t", table, "-F", chain], [ipt, "-t", table, "-X", chain]])
    return found


# --- main ------------------------------------------------------------------------------------


async def hold(spec, ipt):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    why = {"by": "dead-man"}
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(
            sig, lambda s=sig: (why.update(by=signal.Signals(s).name), stop.set())
        )
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
        killed = [
            run(["ss", "-K", *shlex.split(f)], check=False).count("\n")
            for f in spec.get("kill", [])
        ]
    except Exception as exc:  # say why, put everything back, fail
        say("error", error=str(exc), left=undo(ipt, spec))
        return 2
    say("ready", backend=ipt, rules=len(spec.get("rules", [])), filled=filled, killed=killed)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), spec["hold_s"])
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
