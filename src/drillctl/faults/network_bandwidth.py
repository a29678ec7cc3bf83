"""network-bandwidth: cap what a service sends with a token-bucket filter (``tc qdisc tbf``) on
its interface, from a helper in its network namespace (egress only: what it answers or uploads).

The qdisc has drillctl's handle (``d7:``), which the helper's undo deletes and nothing else. The
helper reads the qdisc's statistics before it deletes it; the revert journals how much traffic hit
the cap (``overlimits``); a cap nothing hit is reported as without effect.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import Field

from drillctl.faults import _netns
from drillctl.faults._helper_fault import HelperFault
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan

RATE = r"^[0-9]+(\.[0-9]+)?(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)$"
_STATS = re.compile(r"Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+)")


class NetworkBandwidthParams(_netns.HelperFaultParams):
    type: Literal["network-bandwidth"]
    rate: str = Field(pattern=RATE)  # tc units: 1mbit, 512kbit, 100kbps
    burst: str = Field(default="32kbit", pattern=RATE)  # the token bucket: what may pass at once
    interface: str = "eth0"  # the interface whose egress is capped


class NetworkBandwidth(HelperFault):
    type_name: ClassVar[str] = "network-bandwidth"
    params_model: ClassVar[type[FaultParams]] = NetworkBandwidthParams
    params: NetworkBandwidthParams

    def plan(self) -> FaultPlan:
        p = self.params
        return FaultPlan(
            action=f"cap what {p.service} sends on {p.interface} to {p.rate}{_netns.during(p)}; "
            "mechanism: tc tbf",
            targets=[p.service],
            duration=p.duration,
            revert=f"stop the helper: its qdisc on {p.service}'s {p.interface} is deleted",
        )

    async def prepare(self, env: FaultEnv) -> _netns.HelperSpec:
        p = self.params
        _netns.require(await _netns.capabilities(env, p.service), "tbf", self.type_name)
        self.mechanism = "tc tbf"
        spec = _netns.HelperSpec(_netns.tag_for(env, self.token), _netns.hold_seconds(p))
        spec.rules = [["tc", "qdisc", "add", "dev", p.interface, "root", "handle", "d7:", "tbf",
                       "rate", p.rate, "burst", p.burst, "latency", "400ms"]]  # fmt: skip
        return spec

    async def measure(self, env: FaultEnv, ready: dict[str, Any]) -> dict[str, Any]:
        return _netns.effect(True, "qdisc in force; the traffic it held back is counted at revert")

    @classmethod
    def effect_at_revert(
        cls, counters: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any] | None:
        found = [_STATS.search(str(v)) for k, v in counters.items() if k.startswith("tc:")]
        stats = [tuple(int(x) for x in m.groups()) for m in found if m]
        if not stats:
            return _netns.effect(
                False, "no statistics from the qdisc: it was gone before the revert"
            )
        sent, packets, dropped, over = (sum(s[i] for s in stats) for i in range(4))
        summary = f"{sent} bytes sent, {over} packets over the cap, {dropped} dropped"
        data = {"bytes": sent, "packets": packets, "dropped": dropped, "overlimits": over}
        return _netns.effect(over > 0 or dropped > 0, summary, **data)
