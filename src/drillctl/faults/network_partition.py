"""network-partition: cut a service off from named services (both directions, or one), or isolate
it from every other container, with iptables DROP rules from a helper in its network namespace.

``direction: outbound`` drops what the service sends to the peers; ``inbound`` what it receives
from them; ``both`` (the default) both. Loopback always passes. The rules count what they drop;
the revert journals it, and a partition that dropped nothing is reported as without effect.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from drillctl.faults import _netns
from drillctl.faults._helper_fault import HelperFault
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan
from drillctl.faults.network_loss import comment

DIRECTIONS = {"outbound": [("OUTPUT", "-d")], "inbound": [("INPUT", "-s")]}
DIRECTIONS["both"] = DIRECTIONS["outbound"] + DIRECTIONS["inbound"]


class NetworkPartitionParams(_netns.HelperFaultParams):
    type: Literal["network-partition"]
    peers: list[str] = Field(
        default_factory=list,
        description="services it is cut off from; empty: isolated from every other container",
    )
    direction: Literal["both", "outbound", "inbound"] = "both"  # which way packets are dropped


class NetworkPartition(HelperFault):
    type_name: ClassVar[str] = "network-partition"
    params_model: ClassVar[type[FaultParams]] = NetworkPartitionParams
    params: NetworkPartitionParams

    def plan(self) -> FaultPlan:
        p = self.params
        whom = ", ".join(p.peers) if p.peers else "every other container"
        return FaultPlan(
            action=f"cut {p.service} off from {whom} ({p.direction}){_netns.during(p)}; "
            "mechanism: iptables DROP",
            targets=[p.service, *p.peers],
            duration=p.duration,
            revert=f"stop the helper: its rules in {p.service}'s namespace are deleted",
        )

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        p = self.params
        await _netns.capabilities(env, p.service)  # the helper can run there, iptables works
        self.mechanism = "iptables DROP"
        peers = await _netns.peer_addresses(env, p.peers, self.type_name)
        ips = [ip for addresses in peers.values() for ip in addresses]
        spec = _netns.HelperSpec(_netns.tag_for(env, self.token), _netns.hold_seconds(p))
        for chain, flag in DIRECTIONS[p.direction]:
            lo = "-i" if chain == "INPUT" else "-o"
            matches = [[flag, ip] for ip in ips] or [["!", lo, "lo"]]
            spec.rules += [["iptables", "-I", chain, "1", *m, *comment(spec.tag, "drop")]
                           for m in matches]  # fmt: skip
        return spec

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        return _netns.effect(True, "rules in force; the packets dropped are counted at the revert")

    @classmethod
    def effect_at_revert(
        cls, counters: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any] | None:
        dropped = sum(v for k, v in counters.items() if k.endswith(":drop") and isinstance(v, int))
        if not dropped:
            return _netns.effect(False, "no packet was dropped: nothing crossed the partition")
        return _netns.effect(True, f"{dropped} packets dropped", dropped=dropped)
