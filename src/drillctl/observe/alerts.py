"""Alert transitions from successive snapshots of active alerts (pure, no I/O).

Prometheus lists pending and firing alerts, Alertmanager the ones it received; a resolved alert
simply vanishes from both. ``AlertTracker.feed`` compares a source's snapshot with the previous
one and returns the transitions to journal: appeared (pending or firing), pending → firing, and
vanished (resolved). Each alert instance is keyed by source and full label set; the per-name
summary (``AlertSeen``) is what expectations like "BetSettledQueueBacklog fired within 2m" read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from drillctl.observe.base import ActiveAlert

Key = tuple[str, frozenset[tuple[str, str]]]


@dataclass
class AlertSeen:
    name: str
    sources: set[str] = field(default_factory=set)
    active_at: datetime | None = None  # earliest activeAt/startsAt the sources reported
    first_pending_at: datetime | None = None  # when the observer first saw it (any state)
    first_firing_at: datetime | None = None  # when the observer first saw it firing
    resolved_at: datetime | None = None  # when the last instance vanished (None while active)

    @property
    def fired(self) -> bool:
        return self.first_firing_at is not None


@dataclass(frozen=True)
class AlertTransition:
    alert: ActiveAlert
    state: str  # pending | firing | resolved


def _key(alert: ActiveAlert) -> Key:
    return alert.source, frozenset(alert.labels.items())


class AlertTracker:
    def __init__(self) -> None:
        self._active: dict[Key, ActiveAlert] = {}
        self.seen: dict[str, AlertSeen] = {}

    def feed(self, source: str, alerts: list[ActiveAlert], now: datetime) -> list[AlertTransition]:
        current = {_key(a): a for a in alerts}
        changes = [
            AlertTransition(alert, alert.state)
            for key, alert in current.items()
            if key not in self._active or self._active[key].state != alert.state
        ]
        gone = [a for k, a in self._active.items() if k[0] == source and k not in current]
        changes += [AlertTransition(alert, "resolved") for alert in gone]
        self._active = {k: a for k, a in self._active.items() if k[0] != source} | current
        for change in changes:
            self._remember(change, now)
        return changes

    def _remember(self, change: AlertTransition, now: datetime) -> None:
        alert = change.alert
        seen = self.seen.setdefault(alert.name, AlertSeen(alert.name))
        seen.sources.add(alert.source)
        if alert.active_at and (seen.active_at is None or alert.active_at < seen.active_at):
            seen.active_at = alert.active_at
        if change.state == "resolved":
            still = any(a.name == alert.name for a in self._active.values())
            seen.resolved_at = None if still else now
            return
        seen.resolved_at = None
        seen.first_pending_at = seen.first_pending_at or now
        if change.state == "firing" and seen.first_firing_at is None:
            seen.first_firing_at = now

    def firing(self) -> list[str]:
        return sorted({a.name for a in self._active.values() if a.state == "firing"})
