"""drillctl's hypothesis as a claim with fields, and the verdict that compares fields.

The claim is built ONLY from what a responder could see in the journal: the signals that moved,
the container events just before them, the log lines drillctl gathered, exporter metrics (a
key count falling to zero reads as a flushed keyspace), and latency or error signals of one
service that kept running (a network or resource fault: ``claim_network``). Never from the fault
events: what drillctl injected is the answer, not evidence. So the verdict measures whether the
stack's observability reveals the cause, and a deliberately wrong root cause is a mismatch.

The verdict on a claim is ``core.verdict.judge_claim``: a pure function, so a report can judge a
finished run's journal again against another root cause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from drillctl.core.events import (
    Baseline,
    ChangeKind,
    Claim,
    Container,
    Evidence,
    FaultInjected,
    Sample,
    Symptom,
)
from drillctl.core.journal import Event
from drillctl.core.timeconv import parse_rfc3339
from drillctl.engine.claim_network import from_network
from drillctl.engine.hypothesis import LOOKBACK

KIND_WORDS = {
    ChangeKind.STOPPED: "was stopped",
    ChangeKind.CRASHED: "crashed (its container died without being stopped)",
    ChangeKind.RESTARTED: "was restarted",
    ChangeKind.RECREATED: "was recreated with a changed definition",
    ChangeKind.COMMAND: "had a command run in it",
    ChangeKind.FLUSHED: "had its keyspace flushed",
    ChangeKind.SURGE: "took a traffic surge",
    ChangeKind.NETWORK_OR_RESOURCE: "hit a network or resource fault",
}
FLUSHED_SHARE = 0.1  # a key count under this share of its baseline: the keyspace was flushed
KEY_UNITS = ("keys", "key")  # a signal in these units counts a keyspace
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def build_claim(events: Sequence[Event], services: Mapping[str, str | None]) -> Claim | None:
    """The claim once a signal has moved; ``services``: each signal's service, as the scenario's
    signal definitions (the responder's dashboards) name it."""
    symptoms = _symptoms(events)
    if not symptoms:
        return None
    first = min(instant(s.first_breach_at, s.ts) for s in symptoms)
    signals = list(dict.fromkeys(s.signal for s in symptoms))
    claim = (
        _from_containers(events, first)
        or _from_keyspace(events, services)
        or _from_surge(events)
        or from_network(events, symptoms, services, first - LOOKBACK)
        or Claim(evidence=["no container event, key count, single source or path explains it"])
    )
    sentence = _sentence(claim, signals)
    return claim.model_copy(update={"signals": signals, "sentence": sentence})


def _symptoms(events: Sequence[Event]) -> list[Symptom]:
    injected = next((e.ts for e in events if isinstance(e, FaultInjected)), None)
    found = [e for e in events if isinstance(e, Symptom)]
    return [s for s in found if injected is None or instant(s.confirmed_at, s.ts) >= injected]


def _from_containers(events: Sequence[Event], before: datetime) -> Claim | None:
    near = [
        e
        for e in events
        if isinstance(e, Container) and before - LOOKBACK <= instant(e.at, e.ts) <= before
    ]
    actions: dict[str, list[str]] = {}
    for event in near:
        if event.service:
            actions.setdefault(event.service, []).append(event.action.split(":")[0])
    causes = [(s, kind) for s, a in actions.items() if (kind := _container_kind(a)) is not None]
    if len(causes) != 1:  # none, or several services at once (a stack restart): no one cause
        return None
    service, kind = causes[0]
    seen = ", ".join(dict.fromkeys(actions[service]))
    return Claim(service=service, kind=kind, evidence=[f"container {service}: {seen}"])


def _container_kind(actions: Sequence[str]) -> ChangeKind | None:
    done = set(actions)
    if "oom" in done:
        return ChangeKind.NETWORK_OR_RESOURCE
    if "die" in done and not done & {"stop", "restart"}:
        # died without anyone stopping it: a crash, even when a restart policy or an orchestrator
        # already started it again or replaced it (swarm: kill, die, create, start, destroy)
        return ChangeKind.CRASHED
    if {"create", "destroy"} <= done:
        return ChangeKind.RECREATED
    if "restart" in done or ("die" in done and "start" in done):
        return ChangeKind.RESTARTED
    if "stop" in done:
        return ChangeKind.STOPPED
    if "die" in done or "kill" in done:
        return ChangeKind.CRASHED
    return None


def _from_keyspace(events: Sequence[Event], services: Mapping[str, str | None]) -> Claim | None:
    """A key count (an exporter metric in keys) that fell to zero, or near it (under a tenth of
    its baseline: traffic refills a cache between two scrapes), from a baseline above it."""
    for base in (e for e in events if isinstance(e, Baseline) and e.unit in KEY_UNITS):
        if not base.centre:
            continue
        values = [e.value for e in events if isinstance(e, Sample) and e.signal == base.signal]
        low = min((v for v in values if v is not None), default=None)
        if low is not None and low < base.centre * FLUSHED_SHARE:
            seen = f"{base.signal} fell from {base.centre:,.0f} keys to {low:,.0f}"
            return Claim(
                service=services.get(base.signal), kind=ChangeKind.FLUSHED, evidence=[seen]
            )
    return None


def _from_surge(events: Sequence[Event]) -> Claim | None:
    """Log lines that name one peer address again and again: traffic from one source."""
    for event in (e for e in events if isinstance(e, Evidence) and e.kind == "log"):
        lines = [item for item in event.items if isinstance(item, dict)]
        peers = [m for item in lines for m in _IPV4.findall(str(item.get("line", "")))]
        if peers and len(set(peers)) == 1:
            service = next((str(i["service"]) for i in lines if i.get("service")), None)
            seen = f"{len(peers)} log line(s) of {service or '?'} name the source {peers[0]}"
            return Claim(service=service, kind=ChangeKind.SURGE, source=peers[0], evidence=[seen])
    return None


def instant(raw: str | None, fallback: datetime) -> datetime:
    return (parse_rfc3339(raw) if raw else None) or fallback


def _sentence(claim: Claim, signals: Sequence[str]) -> str:
    drove = ", ".join(signals)
    if claim.kind is None:
        return f"Likely cause: unknown; {drove} moved with no visible change behind it."
    source = f" from {claim.source}" if claim.source else ""
    source += f" on its path to {claim.peer}" if claim.peer else ""
    what = f"{claim.service or 'a service'} {KIND_WORDS[claim.kind]}{source}"
    return f"Likely cause: {what}, which drove {drove}."
