"""network-dns: make one name resolve to nothing (NXDOMAIN) or to a given address, for one service
only, without touching its image or its /etc files.

Docker's embedded resolver is 127.0.0.11 inside each container's namespace. The helper answers DNS
on a local port and an iptables ``REDIRECT`` sends the service's queries to it (before Docker's own
rules); it answers the named name and forwards every other query to Docker's resolver (its own
packets carry a mark the rule lets pass). The effect is measured by resolving the name from inside
the namespace after the injection.
"""

from __future__ import annotations

import ipaddress
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from drillctl.faults import _netns
from drillctl.faults._helper_fault import HelperFault
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

RESOLVER = "127.0.0.11"


class NetworkDnsParams(_netns.HelperFaultParams):
    type: Literal["network-dns"]
    host: str = Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$",
        description="the name whose answer is changed, for this service only",
    )
    address: str | None = None  # None: the name does not resolve (NXDOMAIN)

    @field_validator("address")
    @classmethod
    def _ipv4(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ipaddress.IPv4Address(value)
            except ValueError as exc:
                raise ValueError(f"address must be an IPv4 address: {exc}") from exc
        return value


class NetworkDns(HelperFault):
    type_name: ClassVar[str] = "network-dns"
    params_model: ClassVar[type[FaultParams]] = NetworkDnsParams
    params: NetworkDnsParams

    def plan(self) -> FaultPlan:
        p = self.params
        answer = f"resolve to {p.address}" if p.address else "not resolve (NXDOMAIN)"
        return FaultPlan(
            action=f"make {p.host} {answer} for {p.service} only{_netns.during(p)}; mechanism: "
            "a resolver in the helper behind an iptables REDIRECT of 127.0.0.11:53",
            targets=[p.service],
            duration=p.duration,
            revert=f"stop the helper: the REDIRECT in {p.service}'s namespace is deleted",
        )

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        p = self.params
        _netns.require(await _netns.capabilities(env, p.service), "redirect", self.type_name)
        self.mechanism = "resolver behind iptables REDIRECT"
        spec = _netns.HelperSpec(_netns.tag_for(env, self.token), _netns.hold_seconds(p))
        port = 20000 + int(self.token, 16) % 20000
        spec.dns = {"port": port, "name": p.host, "address": p.address, "mark": _netns.MARK}
        spec.rules = [["iptables", "-t", "nat", "-I", "OUTPUT", "1", "-d", RESOLVER, "-p", "udp",
                       "--dport", "53", "-m", "mark", "!", "--mark", hex(_netns.MARK),
                       "-m", "comment", "--comment", spec.tag,
                       "-j", "REDIRECT", "--to-ports", str(port)]]  # fmt: skip
        return spec

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        found = (await _netns.probe(env, self.params.service, resolve=[self.params.host]))[
            "resolve"
        ]
        return resolution_effect(self.params.host, self.params.address, found[0])


def resolution_effect(host: str, address: str | None, found: dict[str, Any]) -> dict[str, Any]:
    got = found.get("addresses") or []
    if address is None:
        ok = not got
        summary = f"{host} does not resolve ({found.get('error')})" if ok else f"{host} -> {got}"
    else:
        ok = got == [address]
        summary = f"{host} -> {', '.join(got) or found.get('error')} (asked {address})"
    return _netns.effect(ok, summary, resolved=got)
