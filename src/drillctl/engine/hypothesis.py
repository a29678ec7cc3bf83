"""drillctl's own root-cause hypothesis, and the matcher that judges any hypothesis.

The hypothesis of an unattended run is built ONLY from what a responder could see, i.e. the
journal's observations: which signal moved first (and by how much against its baseline), which
container event came just before it, which alerts fired, which log lines and error spans support
it, which runbook matches. It never reads the scenario's expected root cause, nor the fault
events (what drillctl did is the answer, not evidence): a scenario with a deliberately wrong
expected cause must come out as a mismatch.

The matcher compares a hypothesis text with the scenario's root-cause keywords: a keyword hits
when each of its words starts a word of the text (so "throttl" hits "throttled", "flush" hits
"FLUSHDB"), case-insensitively; the hypothesis matches with at least ``min_keywords`` hits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from drillctl.core.events import (
    Alert,
    AlertState,
    Container,
    Evidence,
    FaultInjected,
    JournalEvent,
    Symptom,
    first_of,
    of_type,
)
from drillctl.core.timeconv import parse_rfc3339
from drillctl.core.verdict import keyword_hits

# container actions that change what runs (health probes and exec noise are not causes)
CAUSAL_ACTIONS = (
    "die",
    "stop",
    "kill",
    "start",
    "restart",
    "pause",
    "unpause",
    "oom",
    "create",
    "destroy",
)
LOOKBACK = timedelta(minutes=2)  # how far before the symptom a container event still counts


Clause = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class AutoHypothesis:
    text: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    matched: bool
    keywords_hit: list[str]


def _instant(text: str | None, event: JournalEvent) -> datetime:
    """An instant the observer or Docker reported, or the event's own time when it gave none."""
    return (parse_rfc3339(text) if text else None) or event.ts


def _breached(symptom: Symptom) -> datetime:
    return _instant(symptom.first_breach_at, symptom)


def _container_at(event: Container) -> datetime:
    return _instant(event.at, event)


def symptoms_after_injection(events: Sequence[JournalEvent]) -> list[Symptom]:
    injected = first_of(events, FaultInjected)
    symptoms = of_type(events, Symptom)
    if injected is not None:
        symptoms = [e for e in symptoms if _instant(e.confirmed_at, e) >= injected.ts]
    return sorted(symptoms, key=_breached)


def first_symptom(
    events: Sequence[JournalEvent], primary: Collection[str] | None = None
) -> Symptom | None:
    """The signal that moved first after the injection (earliest first breaching sample), among
    the primary signals when they are known."""
    symptoms = symptoms_after_injection(events)
    preferred = [e for e in symptoms if primary is None or e.signal in primary]
    found = preferred or symptoms
    return found[0] if found else None


def _others_clause(events: Sequence[JournalEvent], first: Symptom) -> Clause | None:
    """The other signals that moved too: often the most telling evidence (``up`` fell to 0)."""
    others: dict[str, Symptom] = {}
    for event in symptoms_after_injection(events):
        if event is not first and event.signal != first.signal:
            others.setdefault(event.signal, event)
    if not others:
        return None
    parts = [f"{n} {_fmt(e.baseline)} -> {_fmt(e.value)}" for n, e in others.items()]
    return "also moved: " + ", ".join(parts), {"kind": "signals", "names": list(others)}


def preceding_container_event(events: Sequence[JournalEvent], before: datetime) -> Container | None:
    """The last container change no more than LOOKBACK before ``before``."""
    candidates = [
        e
        for e in of_type(events, Container)
        if e.action.split(":")[0] in CAUSAL_ACTIONS
        and before - LOOKBACK <= _container_at(e) <= before
    ]
    return max(candidates, key=_container_at, default=None)


def _fmt(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _signal_clause(symptom: Symptom) -> Clause:
    text = (
        f"{symptom.signal} moved first: {_fmt(symptom.value)} against a baseline of "
        f"{_fmt(symptom.baseline)} ({symptom.rule or 'rule broken'})"
    )
    return text, {
        "kind": "signal",
        "signal": symptom.signal,
        "value": symptom.value,
        "baseline": symptom.baseline,
        "at": _breached(symptom).isoformat(),
    }


def recreated(events: Sequence[JournalEvent], service: str | None, before: datetime) -> bool:
    """A new container replaced the old one (create + destroy) within LOOKBACK before ``before``:
    compose does that when a service's definition (image, configuration, environment) changed."""
    actions = {
        e.action
        for e in of_type(events, Container)
        if e.service == service and before - LOOKBACK <= _container_at(e) <= before
    }
    return {"create", "destroy"} <= actions


def _container_clause(
    events: Sequence[JournalEvent], event: Container, symptom_at: datetime
) -> Clause:
    lead = (symptom_at - _container_at(event)).total_seconds()
    service, action = event.service, event.action
    text = f"{lead:.1f}s before it, container {service} had '{action}'"
    if recreated(events, service, symptom_at):
        text += (
            f"; {service} was recreated (a new container replaced the old one, as compose does"
            " when a service's image, configuration or environment changed)"
        )
    data = {"kind": "container", "service": service, "action": action, "lead_s": round(lead, 1)}
    return text, data


def _alert_clause(events: Sequence[JournalEvent]) -> Clause | None:
    names: list[str] = []
    for event in of_type(events, Alert):
        if event.state == AlertState.FIRING and event.name not in names:
            names.append(event.name)
    if not names:
        return None
    return f"alerts firing: {', '.join(names)}", {"kind": "alert", "names": names}


def _evidence_clauses(events: Sequence[JournalEvent]) -> list[Clause]:
    """Logs and traces that support it; the runbook that matches the symptom."""
    out: list[Clause] = []
    seen: set[str] = set()
    for event in of_type(events, Evidence):
        if event.kind not in ("log", "trace", "runbook", "change") or not event.items:
            continue
        text = _evidence_text(event)
        if text and text not in seen:
            seen.add(text)
            out.append(
                (text, {"kind": event.kind, "source": event.source, "summary": event.summary})
            )
    return out


def _evidence_text(event: Evidence) -> str:
    kind, items = event.kind, event.items
    first = items[0] if isinstance(items[0], dict) else {"text": str(items[0])}
    if kind == "change":  # a recent release supports a hypothesis; it never proves one
        return f"a recent change may be related (supporting, not proof): {event.summary}"
    if kind == "runbook":
        where = first.get("path") or first.get("title") or first.get("name")
        passage = str(first.get("passage") or first.get("snippet") or "")[:160]
        return f"runbook {where} matches" + (f': "{passage}"' if passage else "")
    sample = str(first.get("line") or first.get("text") or first.get("operation") or first)[:160]
    label = "log lines" if kind == "log" else "error spans"
    return f'{len(items)} {label} ({event.summary}), e.g. "{sample}"'


def build_hypothesis(
    events: Sequence[JournalEvent], primary: Collection[str] | None = None
) -> AutoHypothesis | None:
    """An evidence-based hypothesis, or None while no signal has moved."""
    symptom = first_symptom(events, primary)
    if symptom is None:
        return None
    symptom_at = _breached(symptom)
    clauses = [_signal_clause(symptom)]
    others = _others_clause(events, symptom)
    if others:
        clauses.append(others)
    container = preceding_container_event(events, symptom_at)
    if container is not None:
        clauses.append(_container_clause(events, container, symptom_at))
    else:
        clauses.append(("no container stopped, died or restarted before it", {"kind": "container"}))
    alert = _alert_clause(events)
    if alert:
        clauses.append(alert)
    clauses.extend(_evidence_clauses(events))
    text = (
        _sentence(events, symptom, container)
        + " Evidence: "
        + "; ".join(c[0] for c in clauses)
        + "."
    )
    return AutoHypothesis(text=text, evidence=[c[1] for c in clauses])


def _sentence(events: Sequence[JournalEvent], symptom: Symptom, container: Container | None) -> str:
    signal = symptom.signal
    if container is None:
        return (
            "Likely cause: a change inside a running service, not a container event,"
            f" drove {signal}."
        )
    service = container.service
    if recreated(events, service, _breached(symptom)):
        return (
            f"Likely cause: {service} was recreated with a changed definition (configuration or"
            f" environment) just before {signal} moved."
        )
    action = container.action
    return f"Likely cause: {service} ({action}) drove {signal} away from its baseline."


def judge(text: str, keywords: Sequence[str], min_keywords: int = 1) -> Verdict:
    hits = keyword_hits(text, keywords)
    return Verdict(matched=len(hits) >= max(min_keywords, 1), keywords_hit=hits)
