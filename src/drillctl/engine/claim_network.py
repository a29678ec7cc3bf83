"""drillctl's claim of a network (or resource) fault, from what a responder could see.

A partitioned or slowed path leaves no container event: the service keeps running, and only its
latency or error signals move. So the claim is: latency or error signals moved, every service they
(and the alerts that went off) name is one and the same, and that service's container did not
stop, die, restart or change in the window (health-check results do not count: a service cut off
from its database may turn unhealthy while it runs). Log lines of that service naming another
service of the target name the far end of the path (``peer``). Nothing here reads the fault
events: what drillctl injected is the answer, not evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from drillctl.core.events import (
    Alert,
    AlertState,
    Baseline,
    ChangeKind,
    Claim,
    Container,
    Evidence,
    JournalEvent,
    RunStarted,
    Symptom,
    first_of,
)
from drillctl.core.journal import Event
from drillctl.core.timeconv import parse_rfc3339

LATENCY_UNITS = frozenset({"s", "ms", "us", "seconds", "milliseconds"})
# words of a signal's name that say it counts failures or time taken
TROUBLE_WORDS = ("latency", "duration", "slow", "fail", "error", "timeout", "5xx")
RUNNING_ACTIONS = ("health_status", "exec_")  # the container still runs through these
ALERT_SLACK = timedelta(seconds=5)  # Prometheus stamps active_at at its rule evaluation


def from_network(
    events: Sequence[Event],
    symptoms: Sequence[Symptom],
    services: Mapping[str, str | None],
    since: datetime,
) -> Claim | None:
    """A network or resource fault of the one service that the moved latency/error signals and
    the alerts name; None when they name none or several, or that service's container changed
    since ``since`` (a while before the first symptom)."""
    troubled = [s.signal for s in symptoms if _trouble(s.signal, _unit(events, s.signal))]
    if not troubled:
        return None
    named = {services.get(s) for s in troubled} | _alerting(events)
    named.discard(None)
    if len(named) != 1:
        return None
    service = str(named.pop())
    if _changed(events, service, since):
        return None
    seen = f"{', '.join(troubled)} of {service} moved; its container kept running (no event)"
    peer = _peer(events, service)
    found = [seen] + ([f"log lines of {service} name {peer}"] if peer else [])
    return Claim(service=service, kind=ChangeKind.NETWORK_OR_RESOURCE, peer=peer, evidence=found)


def _trouble(signal: str, unit: str | None) -> bool:
    name = signal.lower()
    return (unit or "").lower() in LATENCY_UNITS or any(w in name for w in TROUBLE_WORDS)


def _unit(events: Sequence[Event], signal: str) -> str | None:
    return next((e.unit for e in events if isinstance(e, Baseline) and e.signal == signal), None)


def _alerting(events: Sequence[Event]) -> set[str | None]:
    """Services named by the alerts that went off during the drill (their ``service`` label)."""
    return {a.labels.get("service") for a in fresh_alerts(events) if a.labels.get("service")}


def fresh_alerts(events: Sequence[JournalEvent]) -> list[Alert]:
    """Alerts pending or firing that became active once the drill was under way: one still
    firing from an earlier drill (active before this one's injection) says nothing of this one.
    Only the injection's time is read, as a responder knows when the drill started."""
    injected = next((e.ts for e in events if e.type == "fault.injected"), None)
    live = (AlertState.PENDING, AlertState.FIRING)
    return [
        e
        for e in events
        if isinstance(e, Alert)
        and e.state in live
        and (injected is None or _active(e) >= injected - ALERT_SLACK)
    ]


def _active(alert: Alert) -> datetime:
    return (parse_rfc3339(alert.active_at) if alert.active_at else None) or alert.ts


def _changed(events: Sequence[Event], service: str, since: datetime) -> bool:
    for event in (e for e in events if isinstance(e, Container) and e.service == service):
        at = (parse_rfc3339(event.at) if event.at else None) or event.ts
        if at >= since and not event.action.startswith(RUNNING_ACTIONS):
            return True
    return False


def _peer(events: Sequence[Event], service: str) -> str | None:
    """The one other service of the target that the service's gathered log lines name."""
    others = [s for s in _target_services(events) if s != service]
    named: set[str] = set()
    for event in (e for e in events if isinstance(e, Evidence) and e.kind == "log"):
        for item in (i for i in event.items if isinstance(i, dict)):
            if item.get("service") in (None, service):
                line = str(item.get("line", ""))
                named.update(o for o in others if o in line)
    return named.pop() if len(named) == 1 else None


def _target_services(events: Sequence[Event]) -> list[str]:
    started = first_of(events, RunStarted)
    listed = started.target.get("services", []) if started else []
    return [str(s["service"]) for s in listed if isinstance(s, dict) and s.get("service")]
