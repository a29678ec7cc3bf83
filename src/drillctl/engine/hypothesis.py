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

from drillctl.core.journal import Event
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


def _when(event: Event, key: str) -> datetime:
    raw = event.data.get(key)
    parsed = parse_rfc3339(raw) if isinstance(raw, str) else None
    return parsed or event.ts


def symptoms_after_injection(events: Sequence[Event]) -> list[Event]:
    injected = next((e.ts for e in events if e.type == "fault.injected"), None)
    symptoms = [e for e in events if e.type == "symptom"]
    if injected is not None:
        symptoms = [e for e in symptoms if _when(e, "confirmed_at") >= injected]
    return sorted(symptoms, key=lambda e: _when(e, "first_breach_at"))


def first_symptom(events: Sequence[Event], primary: Collection[str] | None = None) -> Event | None:
    """The signal that moved first after the injection (earliest first breaching sample), among
    the primary signals when they are known."""
    symptoms = symptoms_after_injection(events)
    preferred = [e for e in symptoms if primary is None or str(e.data.get("signal")) in primary]
    found = preferred or symptoms
    return found[0] if found else None


def _others_clause(events: Sequence[Event], first: Event) -> tuple[str, dict[str, Any]] | None:
    """The other signals that moved too: often the most telling evidence (``up`` fell to 0)."""
    others: dict[str, Event] = {}
    for event in symptoms_after_injection(events):
        name = str(event.data.get("signal"))
        if event is not first and name != first.data.get("signal"):
            others.setdefault(name, event)
    if not others:
        return None
    parts = [
        f"{n} {_fmt(e.data.get('baseline'))} -> {_fmt(e.data.get('value'))}"
        for n, e in others.items()
    ]
    return "also moved: " + ", ".join(parts), {"kind": "signals", "names": list(others)}


def preceding_container_event(events: Sequence[Event], before: datetime) -> Event | None:
    """The last container change no more than LOOKBACK before ``before``."""
    candidates = [
        e
        for e in events
        if e.type == "container"
        and str(e.data.get("action", "")).split(":")[0] in CAUSAL_ACTIONS
        and before - LOOKBACK <= _when(e, "at") <= before
    ]
    return max(candidates, key=lambda e: _when(e, "at"), default=None)


def _fmt(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _signal_clause(symptom: Event) -> tuple[str, dict[str, Any]]:
    data = symptom.data
    text = (
        f"{data.get('signal')} moved first: {_fmt(data.get('value'))} against a baseline of "
        f"{_fmt(data.get('baseline'))} ({data.get('rule', 'rule broken')})"
    )
    return text, {
        "kind": "signal",
        "signal": data.get("signal"),
        "value": data.get("value"),
        "baseline": data.get("baseline"),
        "at": _when(symptom, "first_breach_at").isoformat(),
    }


def recreated(events: Sequence[Event], service: object, before: datetime) -> bool:
    """A new container replaced the old one (create + destroy) within LOOKBACK before ``before``:
    compose does that when a service's definition (image, configuration, environment) changed."""
    actions = {
        str(e.data.get("action"))
        for e in events
        if e.type == "container"
        and e.data.get("service") == service
        and before - LOOKBACK <= _when(e, "at") <= before
    }
    return {"create", "destroy"} <= actions


def _container_clause(events: Sequence[Event], event: Event, symptom_at: datetime) -> Clause:
    lead = (symptom_at - _when(event, "at")).total_seconds()
    service, action = event.data.get("service"), event.data.get("action")
    text = f"{lead:.1f}s before it, container {service} had '{action}'"
    if recreated(events, service, symptom_at):
        text += (
            f"; {service} was recreated (a new container replaced the old one, as compose does"
            " when a service's image, configuration or environment changed)"
        )
    data = {"kind": "container", "service": service, "action": action, "lead_s": round(lead, 1)}
    return text, data


def _alert_clause(events: Sequence[Event]) -> tuple[str, dict[str, Any]] | None:
    names: list[str] = []
    for event in events:
        if event.type == "alert" and event.data.get("state") == "firing":
            name = str(event.data.get("name"))
            if name not in names:
                names.append(name)
    if not names:
        return None
    return f"alerts firing: {', '.join(names)}", {"kind": "alert", "names": names}


def _evidence_clauses(events: Sequence[Event]) -> list[tuple[str, dict[str, Any]]]:
    """Logs and traces that support it; the runbook that matches the symptom."""
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for event in events:
        kind = str(event.data.get("kind", ""))
        if (
            event.type != "evidence"
            or kind not in ("log", "trace", "runbook", "change")
            or not event.data.get("items")
        ):
            continue
        text = _evidence_text(kind, event.data)
        if text and text not in seen:
            seen.add(text)
            out.append(
                (
                    text,
                    {
                        "kind": kind,
                        "source": event.data.get("source"),
                        "summary": event.data.get("summary"),
                    },
                )
            )
    return out


def _evidence_text(kind: str, data: dict[str, Any]) -> str:
    items = data.get("items") or []
    first = items[0] if isinstance(items[0], dict) else {"text": str(items[0])}
    if kind == "change":  # a recent release supports a hypothesis; it never proves one
        return f"a recent change may be related (supporting, not proof): {data.get('summary')}"
    if kind == "runbook":
        where = first.get("path") or first.get("title") or first.get("name")
        passage = str(first.get("passage") or first.get("snippet") or "")[:160]
        return f"runbook {where} matches" + (f': "{passage}"' if passage else "")
    sample = str(first.get("line") or first.get("text") or first.get("operation") or first)[:160]
    label = "log lines" if kind == "log" else "error spans"
    return f'{len(items)} {label} ({data.get("summary", "")}), e.g. "{sample}"'


def build_hypothesis(
    events: Sequence[Event], primary: Collection[str] | None = None
) -> AutoHypothesis | None:
    """An evidence-based hypothesis, or None while no signal has moved."""
    symptom = first_symptom(events, primary)
    if symptom is None:
        return None
    symptom_at = _when(symptom, "first_breach_at")
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


def _sentence(events: Sequence[Event], symptom: Event, container: Event | None) -> str:
    signal = symptom.data.get("signal")
    if container is None:
        return (
            "Likely cause: a change inside a running service, not a container event,"
            f" drove {signal}."
        )
    service = container.data.get("service")
    if recreated(events, service, _when(symptom, "first_breach_at")):
        return (
            f"Likely cause: {service} was recreated with a changed definition (configuration or"
            f" environment) just before {signal} moved."
        )
    action = container.data.get("action")
    return f"Likely cause: {service} ({action}) drove {signal} away from its baseline."


def judge(text: str, keywords: Sequence[str], min_keywords: int = 1) -> Verdict:
    hits = keyword_hits(text, keywords)
    return Verdict(matched=len(hits) >= max(min_keywords, 1), keywords_hit=hits)
