"""Judge a finished run's hypothesis again, from its journal alone, against a changed root cause.

The verdict is a pure function of the journal: the hypothesis as journalled (drillctl's claim in
an unattended run, the responder's statement in an interactive one) against the scenario's root
cause as journalled in ``run.started``, with ``changes`` (``service=ebit-postgres``...) applied.
That is how a test checks that a wrong root cause gives a mismatch without running a drill again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from drillctl.core.errors import DrillError
from drillctl.core.events import (
    ChangeKind,
    Claim,
    HypothesisAuto,
    ResponderHypothesis,
    RunStarted,
)
from drillctl.core.journal import Event
from drillctl.core.verdict import judge_claim

FIELDS = ("service", "kind", "signals", "keywords")


def parse_changes(pairs: Sequence[str]) -> dict[str, Any]:
    """``["service=ebit-postgres", "kind=stopped"]`` -> a root-cause update (exit 2 if bad)."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().removeprefix("root_cause.")
        if not sep or key not in FIELDS:
            raise DrillError(f"--judge-root-cause {pair!r}: use FIELD=VALUE, FIELD one of {FIELDS}")
        if key == "kind" and value not in set(ChangeKind):
            raise DrillError(
                f"--judge-root-cause kind={value!r}: one of {[k.value for k in ChangeKind]}"
            )
        changes[key] = value.split(",") if key in ("signals", "keywords") else value
    return changes


def stated_claim(events: Sequence[Event]) -> Claim | None:
    """The hypothesis that counts, as a claim: the responder's latest, else drillctl's latest."""
    said = [e for e in events if isinstance(e, ResponderHypothesis)]
    if said:
        last = said[-1]
        return Claim(service=last.service, kind=last.kind, sentence=last.text)
    auto = [e for e in events if isinstance(e, HypothesisAuto)]
    if not auto:
        return None
    latest = auto[-1]  # 0.1.0 journals have no claim: their sentence is the text before Evidence
    return latest.claim or Claim(sentence=latest.text.partition(" Evidence: ")[0])


def rejudge(events: Sequence[Event], changes: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    """``(matched, compared fields)`` of the run's hypothesis against the changed root cause."""
    start = next((e for e in events if isinstance(e, RunStarted)), None)
    cause = dict((start.scenario.get("root_cause") if start else None) or {})
    if "service" in changes or "kind" in changes:
        cause.setdefault("kind", None)
        cause.setdefault("service", None)
    cause.update(changes)
    matched, hits, compared = judge_claim(stated_claim(events), cause)
    return matched, compared or {"keywords": {"expected": cause.get("keywords"), "stated": hits}}


def verdict_words(matched: bool, compared: Mapping[str, Any]) -> str:
    parts = [
        f"{name}: expected {c.get('expected')}, stated {c.get('stated')}"
        for name, c in compared.items()
    ]
    head = "match" if matched else "mismatch"
    return f"{head} ({'; '.join(parts)})" if parts else head
