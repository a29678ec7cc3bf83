"""network-latency: delay a service's outgoing TCP traffic (optionally only toward named services
or ports), from a helper in its network namespace; nothing is installed in the target.

Mechanism, chosen at preflight by trying the kernel for real: ``netem`` on the interface when the
kernel has it and the fault is not narrowed to peers or ports; otherwise a transparent delaying TCP
proxy in the helper, reached by an iptables ``REDIRECT`` (the proxy's own packets carry a mark the
rule lets pass). Established connections do not cross a new NAT rule, so the helper closes them
(``ss -K``) and the clients reconnect through the proxy. The added latency is measured by round
trips from inside the namespace before and after the injection.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from drillctl.core.durations import Duration, format_duration
from drillctl.core.errors import PreflightError
from drillctl.faults import _netns
from drillctl.faults._helper_fault import HelperFault
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

MIN_EFFECT = 0.5  # the probe must see at least half the asked delay added to call it measured


class NetworkLatencyParams(_netns.HelperFaultParams):
    type: Literal["network-latency"]
    delay: Duration  # added to each round trip (1ms to 30s)
    jitter: Duration = timedelta(0)  # +- this much, at most the delay; order is kept
    to: list[str] = Field(default_factory=list)  # peer services; empty: every destination
    ports: list[int] = Field(default_factory=list)  # destination ports; empty: every port
    interface: str = "eth0"  # the interface netem acts on (when the kernel has netem)

    @field_validator("delay")
    @classmethod
    def _delay(cls, value: timedelta) -> timedelta:
        if not timedelta(milliseconds=1) <= value <= timedelta(seconds=30):
            raise ValueError("delay must be between 1ms and 30s")
        return value

    @field_validator("ports")
    @classmethod
    def _ports(cls, value: list[int]) -> list[int]:
        if any(not 0 < p < 65536 for p in value):
            raise ValueError("ports must be between 1 and 65535")
        return value

    @model_validator(mode="after")
    def _jitter(self) -> NetworkLatencyParams:
        if self.jitter > self.delay:
            raise ValueError("jitter cannot exceed the delay")
        return self


def proxy_port(token: str) -> int:
    return 20000 + int(token, 16) % 20000


class NetworkLatency(HelperFault):
    type_name: ClassVar[str] = "network-latency"
    params_model: ClassVar[type[FaultParams]] = NetworkLatencyParams
    params: NetworkLatencyParams

    def __init__(self, params: Any) -> None:
        super().__init__(params)
        self._peers: dict[str, list[str]] = {}
        self._before: dict[str, Any] = {}

    def plan(self) -> FaultPlan:
        p = self.params
        jitter = f" ± {format_duration(p.jitter)}" if p.jitter else ""
        return FaultPlan(
            action=f"add {format_duration(p.delay)}{jitter} to {p.service}'s TCP traffic"
            f"{_toward(p)}{_netns.during(p)}; mechanism: netem if the kernel has it and the "
            "fault is not narrowed, else a delaying TCP proxy (iptables REDIRECT)",
            targets=[p.service, *p.to],
            duration=p.duration,
            revert=f"stop the helper: its rules and qdisc in {p.service}'s namespace are deleted",
        )

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        p = self.params
        caps = await _netns.capabilities(env, p.service)
        self._peers = await _netns.peer_addresses(env, p.to, self.type_name)
        spec = _netns.HelperSpec(_netns.tag_for(env, self.token), _netns.hold_seconds(p))
        if caps.get("netem") and not p.to and not p.ports:
            self.mechanism = "netem"
            spec.rules = [_netem(p)]
        elif caps.get("redirect"):
            self.mechanism = "tcp-proxy (iptables REDIRECT; netem unavailable or narrowed)"
            self._proxy(spec)
        else:
            raise PreflightError(
                f"{self.type_name}: neither netem nor iptables REDIRECT works here"
            )
        self._before = await self._probe(env)
        return spec

    def _proxy(self, spec: _netns.HelperSpec) -> None:
        p = self.params
        port = proxy_port(self.token)
        ms = p.delay.total_seconds() * 1000
        spec.proxy = {"port": port, "delay_ms": ms, "jitter_ms": p.jitter.total_seconds() * 1000}
        spec.proxy["mark"] = _netns.MARK
        for match in _matches(self._peers, p.ports):
            spec.rules.append(_redirect(match, spec.tag, port))
        spec.kill = [_kill_filter(match) for match in _matches(self._peers, p.ports) if match]

    async def _probe(self, env: FaultEnv) -> dict[str, Any]:
        targets = [
            (ip, port)
            for ips in self._peers.values()
            for ip in ips[:1]
            for port in self.params.ports[:1]
        ]
        if not targets:
            return {}
        return await _netns.probe(env, self.params.service, tcp=targets, count=10)

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        after = await self._probe(env)
        asked = self.params.delay.total_seconds() * 1000
        if not after:
            return _netns.effect(False, "not measured: name a peer in 'to' and a port in 'ports'")
        return added_latency(self._before["tcp"][0], after["tcp"][0], asked)


def added_latency(before: dict[str, Any], after: dict[str, Any], asked_ms: float) -> dict[str, Any]:
    """The p50/p95 added by the fault; measured when p50 grew by at least half of what was asked."""
    if "p50_ms" not in after or "p50_ms" not in before:
        return _netns.effect(False, f"probe of {after['target']} failed: {after['errors']}")
    p50 = round(after["p50_ms"] - before["p50_ms"], 1)
    p95 = round(after["p95_ms"] - before["p95_ms"], 1)
    summary = f"{after['target']}: +{p50} ms p50, +{p95} ms p95 (asked {asked_ms:g} ms)"
    data = {"asked_ms": asked_ms, "added_p50_ms": p50, "added_p95_ms": p95, "probe": after}
    return _netns.effect(p50 >= MIN_EFFECT * asked_ms, summary, **data)


def _toward(p: NetworkLatencyParams) -> str:
    peers = f" toward {', '.join(p.to)}" if p.to else ""
    return peers + (f" on port {', '.join(map(str, p.ports))}" if p.ports else "")


def _matches(peers: dict[str, list[str]], ports: list[int]) -> list[tuple[str | None, int | None]]:
    ips: list[str | None] = [ip for addresses in peers.values() for ip in addresses] or [None]
    wanted: list[int | None] = list(ports) or [None]
    return [(ip, port) for ip in ips for port in wanted]


def _redirect(match: tuple[str | None, int | None], tag: str, port: int) -> list[str]:
    ip, dport = match
    where = ["-d", ip] if ip else ["!", "-d", "127.0.0.0/8"]
    where += ["--dport", str(dport)] if dport else []
    return ["iptables", "-t", "nat", "-I", "OUTPUT", "1", "-p", "tcp", *where,
            "-m", "mark", "!", "--mark", hex(_netns.MARK), "-m", "comment", "--comment", tag,
            "-j", "REDIRECT", "--to-ports", str(port)]  # fmt: skip


def _kill_filter(match: tuple[str | None, int | None]) -> str:
    ip, port = match
    return " ".join(filter(None, [f"dst {ip}" if ip else "", f"dport = :{port}" if port else ""]))


def _netem(p: NetworkLatencyParams) -> list[str]:
    jitter = [f"{p.jitter.total_seconds() * 1000:g}ms"] if p.jitter else []
    return ["tc", "qdisc", "add", "dev", p.interface, "root", "handle", _netns_handle(), "netem",
            "delay", f"{p.delay.total_seconds() * 1000:g}ms", *jitter]  # fmt: skip


def _netns_handle() -> str:
    return "d7:"
