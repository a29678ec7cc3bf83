"""What a live panel shows for one signal (``SignalView``), and the sources a scenario needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from drillctl.observe.detect import Baseline, Detector
from drillctl.scenario.model import ScenarioBase, Signal


@dataclass
class SignalView:
    """What a live panel shows for one signal."""

    signal: Signal
    baseline: Baseline | None = None
    value: float | None = None
    at: datetime | None = None
    state: str = "normal"  # normal | onset | breaching | symptomatic | recovering | no data
    available: bool = True
    history: list[float | None] = field(default_factory=list)
    not_watched: bool = False  # a secondary signal whose rule means nothing against its baseline


def view_state(detector: Detector) -> str:
    """The panel's word for where the detector stands."""
    if detector.absent and detector.state == "normal":
        return "no data"
    if detector.pending_since is None:
        return "onset" if detector.onset_at is not None else detector.state
    return "breaching" if detector.state == "normal" else "recovering"


def required_sources(scenario: ScenarioBase) -> set[str]:
    """Sources a scenario's signals or ``expect`` use (alerts are read from Prometheus)."""
    needed: set[str] = {s.source for s in scenario.signals}
    needed |= {inv.source for inv in scenario.expect.invariants}
    if scenario.expect.alerts:
        needed.add("prometheus")
    return needed
