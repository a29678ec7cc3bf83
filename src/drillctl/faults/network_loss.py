"""network-loss: drop a share of a service's packets (optionally only to/from named services or
ports) with iptables' ``statistic`` match, from a helper in its network namespace.

Each direction has two rules with the fault's tag: one that only counts the matching packets
(``:seen``) and one that drops the asked share of them (``:drop``). The helper reads both counters
before it deletes the rules, so the revert journals the loss that really happened.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from drillctl.faults import _netns
from drillctl.faults._helper_fault import HelperFault
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

CHAINS = {"OUTPUT": ("-d", "--dport"), "INPUT": ("-s", "--sport")}


class NetworkLossParams(_netns.HelperFaultParams):
    type: Literal["network-loss"]
    percent: float = Field(gt=0, le=100)  # share of the matching packets dropped, each way
    to: list[str] = Field(default_factory=list)  # peer services; empty: every packet but loopback
    ports: list[int] = Field(default_factory=list)  # the peer's ports; empty: every port


class NetworkLoss(HelperFault):
    type_name: ClassVar[str] = "network-loss"
    params_model: ClassVar[type[FaultParams]] = NetworkLossParams
    params: NetworkLossParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"drop {p.percent:g}% of {p.service}'s packets{toward(p.to, p.ports)}"
            f"{_netns.during(p)}; mechanism: iptables statistic (random) DROP",
            targets=[p.service, *p.to],
            duration=p.duration,
            revert=f"stop the helper: its rules in {p.service}'s namespace are deleted",
        )

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        p = self.params
        _netns.require(await _netns.capabilities(env, p.service), "statistic", self.type_name)
        self.mechanism = "iptables statistic"
        peers = await _netns.peer_addresses(env, p.to, self.type_name)
        spec = _netns.HelperSpec(_netns.tag_for(env, self.token), _netns.hold_seconds(p))
        for chain, match in filter_matches(peers, p.ports):
            spec.rules.append(["iptables", "-A", chain, *match, *comment(spec.tag, "seen")])
            drop = ["-m", "statistic", "--mode", "random", "--probability", f"{p.percent / 100:g}"]
            spec.rules.append(["iptables", "-A", chain, *match, *drop, *comment(spec.tag, "drop")])
        return spec

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        return _netns.effect(True, "rules in force; the loss observed is measured at the revert")

    @classmethod
    def effect_at_revert(
        cls, counters: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any] | None:
        seen = sum(v for k, v in counters.items() if k.endswith(":seen") and isinstance(v, int))
        dropped = sum(v for k, v in counters.items() if k.endswith(":drop") and isinstance(v, int))
        if not seen:
            return _netns.effect(False, "no packet matched the rules: no measurable effect")
        observed = round(100 * dropped / seen, 1)
        summary = f"{dropped} of {seen} packets dropped ({observed}%)"
        return _netns.effect(dropped > 0, summary, seen=seen, dropped=dropped, observed=observed)


def comment(tag: str, role: str) -> list[str]:
    verdict = ["-j", "DROP"] if role == "drop" else []
    return ["-m", "comment", "--comment", f"{tag}:{role}", *verdict]


def filter_matches(peers: dict[str, list[str]], ports: list[int]) -> list[tuple[str, list[str]]]:
    """(chain, match) for both directions: to the peers' addresses and ports, and back."""
    ips = [ip for addresses in peers.values() for ip in addresses]
    found = []
    for chain, (addr_flag, port_flag) in CHAINS.items():
        where = [[addr_flag, ip] for ip in ips] or [["!", "-i" if chain == "INPUT" else "-o", "lo"]]
        for base in where:
            found += [(chain, [*base, "-p", "tcp", port_flag, str(p)]) for p in ports] or [
                (chain, base)
            ]
    return found


def toward(peers: list[str], ports: list[int]) -> str:
    words = f" to and from {', '.join(peers)}" if peers else ""
    return words + (f" on port {', '.join(map(str, ports))}" if ports else "")
