"""The diagnosis on the first symptom: evidence, recurrence search, drillctl's own hypothesis.

What a responder does in the first five minutes, done by drillctl from the journal alone: gather
the scenario's evidence for the window (logs, error spans, dashboards), search the runbooks and
past runs for the symptom, and state an evidence-based hypothesis (``hypothesis.auto``), judged
against the expected root cause (``hypothesis.verdict``) in unattended mode. Interactive runs keep
the hypothesis out of the panel: the responder must find the cause, drillctl only prepares the
checklist's evidence.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from drillctl.core.clock import Clock
from drillctl.core.errors import DrillError
from drillctl.core.events import (
    Alert,
    AlertState,
    ChangeKind,
    Claim,
    Evidence,
    HypothesisAuto,
    HypothesisVerdict,
    JournalEvent,
    SourceUnavailable,
    Symptom,
    of_type,
)
from drillctl.core.verdict import judge_claim
from drillctl.engine.claim import build_claim
from drillctl.engine.claim_network import fresh_alerts
from drillctl.engine.expectations import Result
from drillctl.engine.hypothesis import build_hypothesis
from drillctl.engine.ports import LiveJournal, ObserverPort, Recurrence
from drillctl.scenario.model import ScenarioBase

LOOKBACK = timedelta(seconds=30)
# a metric name in a PromQL query, by the suffixes exporters give them (not labels or functions)
_METRIC = re.compile(
    r"\b([a-z_][a-z0-9_]*_(?:total|seconds|bucket|count|sum|jobs|keys|up|bytes))\b"
)  # the evidence window starts this long before the injection


class Diagnosis:
    def __init__(
        self,
        scenario: ScenarioBase,
        journal: LiveJournal,
        clock: Clock,
        observer: ObserverPort,
        recurrence: Recurrence | None,
        *,
        judge_own: bool,
    ) -> None:
        self.scenario = scenario
        self.journal = journal
        self.clock = clock
        self.observer = observer
        self.recurrence = recurrence
        self.judge_own = judge_own  # unattended: drillctl's hypothesis is the one that counts

    def primary(self) -> set[str]:
        return {s.name for s in self.scenario.signals if s.primary}

    async def run(self, injected_at: datetime) -> None:
        with contextlib.suppress(DrillError):
            await self.observer.gather_evidence(injected_at - LOOKBACK, self.clock.now())
        self.search_recurrence()
        auto = build_hypothesis(self.journal.events, self.primary())
        claim = build_claim(self.journal.events, {s.name: s.service for s in self.scenario.signals})
        if auto is None or claim is None:
            return
        confirmed = next(e.ts for e in of_type(self.journal.events, Symptom) if e.ts >= injected_at)
        seconds = round(max((self.clock.now() - confirmed).total_seconds(), 0.0), 1)
        text = f"{claim.sentence} Evidence: {auto.text.partition(' Evidence: ')[2]}"
        self.journal.append(
            HypothesisAuto(text=text, evidence=auto.evidence, seconds=seconds, claim=claim)
        )
        if self.judge_own:
            self.judge(claim)

    def search_recurrence(self) -> None:
        """Runbooks and past runs that name what the responder sees, journalled apart."""
        if self.recurrence is None:
            return
        events = self.journal.events
        try:
            found = self.recurrence(
                symptom_text(events, self.scenario), anchors(events, self.scenario)
            )
        except Exception as exc:  # a broken index must not stop a drill; say so in the journal
            self.journal.append(SourceUnavailable(source="recurrence", reason=str(exc)))
            return
        for kind, items, what in (
            ("runbook", found.runbooks, "runbook(s)"),
            ("past-run", found.runs, "past run(s)"),
        ):
            summary = (
                f"{len(items)} {what} match the symptom"
                if items
                else f"no {what[:-3]} matches the symptom"
            )
            self.journal.append(
                Evidence(kind=kind, source="recurrence", summary=summary, items=list(items))
            )

    def judge(self, claim: Claim, cause: dict[str, Any] | None = None) -> None:
        cause = cause or self.scenario.root_cause.model_dump(mode="json")
        matched, hits, compared = judge_claim(claim, cause)
        self.journal.append(
            HypothesisVerdict(matched=matched, keywords_hit=hits, by="drillctl", compared=compared)
        )

    def verdict(self, text: str, service: str | None = None, kind: str | None = None) -> None:
        """The verdict on a responder's hypothesis: the service and kind of change they picked in
        the panel, and their sentence. One stated without the fields (both left empty, or an
        older journal) is read for them: the expected service named in it, and the kind of change
        its words state. The responder names no signal (the panel does not ask for one), so the
        root cause's signals are not compared."""
        cause = {**self.scenario.root_cause.model_dump(mode="json"), "signals": []}
        if service is None and kind is None:
            service, kind = read_sentence(text, cause.get("service"))
        stated = Claim(service=service, kind=ChangeKind(kind) if kind else None, sentence=text)
        self.judge(stated, cause)

    def verdict_results(self) -> list[Result]:
        """drillctl's latest verdict as an expectation (unattended runs): a mismatch fails. Only
        a root cause with fields (service and kind) makes it one; a keywords-only root cause (an
        older file) keeps the verdict informational."""
        cause = self.scenario.root_cause
        if cause.service is None or cause.kind is None:
            return []
        verdicts = of_type(self.journal.events, HypothesisVerdict)
        if not verdicts:  # said, never silently dropped: no signal moved, nothing was claimed
            why = "not judged: no signal moved, so drillctl formed no hypothesis"
            return [Result("hypothesis", False, why, True, None)]
        matched = verdicts[-1].matched
        detail = "drillctl's hypothesis " + ("matches" if matched else "does not match")
        return [Result("hypothesis", matched, detail + " the root cause", True, matched)]


def symptom_text(events: Sequence[JournalEvent], scenario: ScenarioBase) -> str:
    """What a responder would type into the recurrence search: signals, alerts, log lines."""
    words: list[str] = []
    signals = {s.name: s for s in scenario.signals}
    for event in events:
        if isinstance(event, Symptom):
            signal = signals.get(event.signal)
            words.append(event.signal.replace("_", " "))
            if signal is not None and signal.description:
                words.append(signal.description)
        elif isinstance(event, Alert) and event.state == AlertState.FIRING:
            words.append(event.name)
        elif isinstance(event, Evidence) and event.kind == "log":
            words.append(event.summary)
    return " ".join(words)


def anchors(events: Sequence[JournalEvent], scenario: ScenarioBase) -> list[tuple[str, str]]:
    """The names the symptom gives a responder to search by: the alerts that went off, the
    signals that moved, the metrics their queries read, the services they and the alerts name."""
    signals = {s.name: s for s in scenario.signals}
    found: list[tuple[str, str]] = []
    fresh = {id(a) for a in fresh_alerts(events)}  # not one still firing from an earlier drill
    for event in events:
        if isinstance(event, Alert) and id(event) in fresh:
            found.append(("alert", event.name))
            found += [("service", s) for s in [event.labels.get("service")] if s]
        elif isinstance(event, Symptom) and (signal := signals.get(event.signal)) is not None:
            found.append(("signal", signal.name))
            found += [("metric", m) for m in metric_names(signal.query)]
            found += [("service", signal.service)] if signal.service else []
    return list(dict.fromkeys(found))


def metric_names(query: str) -> list[str]:
    """The metric names a PromQL query reads (what its dashboard panel is titled after)."""
    return list(dict.fromkeys(_METRIC.findall(query)))


# words a responder uses for each kind of change (the first kind whose word starts a word wins)
KIND_WORDS: dict[ChangeKind, tuple[str, ...]] = {
    ChangeKind.FLUSHED: ("flush", "keyspace", "wiped", "emptied"),
    ChangeKind.SURGE: ("storm", "surge", "flood", "burst", "hammer"),
    ChangeKind.RECREATED: ("recreat", "redeploy", "config", "env", "password", "deploy"),
    ChangeKind.NETWORK_OR_RESOURCE: ("network", "latency", "partition", "packet", "cpu", "memory"),
    ChangeKind.CRASHED: ("crash", "died", "oom"),
    ChangeKind.RESTARTED: ("restart",),
    ChangeKind.COMMAND: ("command", "ran "),
    ChangeKind.STOPPED: ("down", "stop", "dead", "not running", "offline"),
}


def read_sentence(text: str, expected_service: str | None) -> tuple[str | None, str | None]:
    """(service, kind) a hypothesis sentence states: the expected service where it names it."""
    lowered = f" {text.lower()} "
    service = expected_service if expected_service and expected_service in lowered else None
    words = lowered.split()
    kind = next(
        (
            k.value
            for k, stems in KIND_WORDS.items()
            if any(
                (" " in stem and stem in lowered) or any(w.startswith(stem) for w in words)
                for stem in stems
            )
        ),
        None,
    )
    return service, kind
