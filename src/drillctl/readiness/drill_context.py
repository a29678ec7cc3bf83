"""What the readiness inputs say about a drill: the recent API changes of the routes it watches
and the security findings of its area, as ``evidence`` events (journalled at run time, so the
reports stay pure functions of the journal).

- Routes: the path of an ``http`` signal's URL, and every ``route="..."`` label in a signal's or
  an evidence query. Each route brings the deltas of the last releases that touched it, with the
  migrations those releases shipped.
- Area: the words of the scenario's name, tags, signal and evidence names, queries and services
  (``ebit_auth_signin_total`` gives ``auth``). A finding's category is the drill's area when its
  first word is among them: the signin drill gets the Auth findings, a drill on
  ``bet_settled_queue`` the Bet pipeline ones.
- Pending findings are sensitive: the evidence carries ids, categories, scores and statuses only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from drillctl.config import ReadinessConfig
from drillctl.core import events
from drillctl.core.errors import DrillError
from drillctl.readiness.api_changes import Changes, read_changes, route_matches
from drillctl.readiness.security_register import Register, load_register
from drillctl.readiness.service_changes import services_evidence
from drillctl.scenario.model import EvidenceQuery, ScenarioBase, Signal

RELEASES_PER_ROUTE = 2  # "the last versions that changed it"
_ROUTE_LABEL = re.compile(r"""route\s*=~?\s*["']([^"']+)["']""")
_WORD = re.compile(r"[a-z]+")
Evidence = dict[str, Any]  # the data of one ``evidence`` event: kind, source, summary, items


@dataclass(frozen=True)
class Subject:
    """What a drill is about, as the readiness inputs can see it."""

    routes: list[str]
    words: frozenset[str]


def subject(scenario: ScenarioBase) -> Subject:
    texts = [scenario.name, *scenario.tags]
    routes: list[str] = []
    items: list[Signal | EvidenceQuery] = [*scenario.signals, *scenario.evidence]
    for item in items:
        query = item.query or ""
        texts += [item.name, query, item.service or ""]
        if item.source == "http":
            routes.append(urlsplit(query.split()[-1] if query.split() else "").path or "/")
        routes += _ROUTE_LABEL.findall(query)
    words = {_stem(w) for text in texts for w in _WORD.findall(text.lower())}
    return Subject(list(dict.fromkeys(r for r in routes if r.strip("/"))), frozenset(words))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def change_evidence(changes: Changes, routes: Iterable[str]) -> list[Evidence]:
    found = []
    for route in routes:
        steps = [s for s in reversed(changes.steps) if _touching(s.deltas, route)]
        items = [_change_item(step, route) for step in steps[:RELEASES_PER_ROUTE]]
        if items:
            found.append(_change(route, items))
    return found


def _touching(deltas: Iterable[Any], route: str) -> list[Any]:
    return [d for d in deltas if route_matches(route, d.route)]


def _change_item(step: Any, route: str) -> dict[str, Any]:
    return {
        "version": step.release.version,
        "released_at": step.release.at.date().isoformat(),
        "changes": [f"{d.endpoint}: {d.detail}" for d in _touching(step.deltas, route)],
        "breaking": any(d.breaking for d in _touching(step.deltas, route)),
        "migrations": [m.name for m in step.migrations],
    }


def _change(route: str, items: list[dict[str, Any]]) -> Evidence:
    latest = items[0]
    summary = (
        f"{route} changed in API {latest['version']} (released {latest['released_at']}): "
        + "; ".join(latest["changes"])
    )
    return {"kind": "change", "source": "api-changelog", "summary": summary, "items": items}


def security_evidence(register: Register, words: frozenset[str]) -> list[Evidence]:
    mine = [f for f in register.findings if _stem(_first_word(f.category)) in words]
    if not mine:
        return []
    categories = sorted({f.category for f in mine})
    pending = [f for f in mine if f.pending]
    items = [
        {"id": f.id, "category": f.category, "score": f.score, "status": f.status} for f in mine
    ]
    summary = (
        f"{', '.join(categories)} findings: {', '.join(f.id for f in mine)} "
        f"({len(pending)} pending)"
    )
    return [{"kind": "security", "source": "security-register", "summary": summary, "items": items}]


def _first_word(category: str) -> str:
    words = _WORD.findall(category.lower())
    return words[0] if words else ""


def readiness_evidence(
    scenario: ScenarioBase, config: ReadinessConfig
) -> tuple[list[Evidence], list[tuple[str, str]]]:
    """The evidence events for a drill, and the (source, reason) of inputs that could not be read.
    An input that is not configured is simply absent."""
    about = subject(scenario)
    found: list[Evidence] = []
    broken: list[tuple[str, str]] = []
    if config.api_reference is not None and about.routes:
        _read(
            lambda: change_evidence(_changes(config), about.routes), "api-changelog", found, broken
        )
    if config.security_register is not None:
        register = config.security_register
        _read(
            lambda: security_evidence(load_register(register), about.words),
            "security-register",
            found,
            broken,
        )
    return found, broken


def _changes(config: ReadinessConfig) -> Changes:
    assert config.api_reference is not None
    return read_changes(config.api_reference, config.migrations)


def _read(
    make: Callable[[], list[Evidence]],
    source: str,
    found: list[Evidence],
    broken: list[tuple[str, str]],
) -> None:
    try:
        found += make()
    except (DrillError, OSError) as exc:  # a broken input must not stop a drill
        broken.append((source, str(exc).splitlines()[0]))


def journal_readiness(
    append: Callable[[events.JournalEvent], object], scenario: ScenarioBase, config: ReadinessConfig
) -> None:
    """The one place this module meets the journal (``Journal.append``, given typed events)."""
    found, broken = readiness_evidence(scenario, config)
    for data in found:
        append(events.Evidence(**data))
    for source, reason in broken:
        append(events.SourceUnavailable(source=source, reason=reason))


def journal_start_context(
    append: Callable[[events.JournalEvent], object],
    scenario: ScenarioBase,
    config: ReadinessConfig,
    *,
    runs_dir: Path,
    run_id: str,
    services: Sequence[Mapping[str, Any]],
) -> None:
    """Everything journalled at the start of a drill besides ``run.started``: the readiness
    evidence, and what changed in the stack since the last drill."""
    journal_readiness(append, scenario, config)
    for data in services_evidence(runs_dir, run_id, services):
        append(events.Evidence(**data))
