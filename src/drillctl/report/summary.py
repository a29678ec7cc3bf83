"""``summarize(events) -> DrillSummary``: the one pure function every report is built on.

Rules worth knowing: every moment and duration (symptom clock, detect, acknowledge, hypothesis,
mitigate, recover) is defined once in ``figures.py`` (and docs/figures.md); in addition:

- effective = the latest ``effective_at`` of the faults (when the last one took effect: a stop's
  ``die``, a recreate's ``start``...); time to detect runs from it (inject in older journals).

- hypothesis = the responder's (``responder.hypothesis``) in an interactive run, drillctl's own
  (``hypothesis.auto``) otherwise; both are timed apart (``hypothesis_responder_s``,
  ``hypothesis_drillctl_s``); the text shown is the *latest*. The latest verdict wins
  (``hypothesis.verdict`` or ``gm.verdict``), so a team lead's ``report --judge`` overrides
  drillctl's match.
- an interactive run the engine passed but nobody acknowledged, or without a hypothesis, is
  ``incomplete``, not ``passed``; ``issues`` says why. A journal without ``run.ended`` is
  ``unfinished`` (a crash or a run still going).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from drillctl.core.events import (
    BlindRevealed,
    FaultInjected,
    FaultRevertStarted,
    GmVerdict,
    HypothesisAuto,
    HypothesisVerdict,
    JournalEvent,
    ResponderHypothesis,
    RunEnded,
    RunStarted,
    first_of,
    of_type,
)
from drillctl.report import evidence, facts, figures
from drillctl.report.fmt import round_numbers
from drillctl.report.model import (
    HYPOTHESIS_TARGET_S,
    DrillSummary,
    Durations,
    Hypothesis,
    Moments,
    Remark,
    Reveal,
    Verdict,
)
from drillctl.report.paths import project_root, relative
from drillctl.report.timeline import build_timeline


def summarize(events: Iterable[JournalEvent], unreadable: int = 0) -> DrillSummary:
    """``unreadable``: how many journal lines could not be read (``JournalRead.unreadable``)."""
    ordered = sorted(events, key=lambda e: e.seq)
    start = first_of(ordered, RunStarted)
    reveal = _reveal(ordered)
    scenario = _scenario_identity(start.scenario if start else {}, reveal)
    target = start.target if start else {}
    operator = (start.operator if start else None) or "responder"
    mode = _mode(start)
    root = project_root(ordered)
    hypotheses = _hypotheses(ordered, operator, mode, root)
    moments = _moments(ordered, hypotheses)
    remarks = facts.remarks(ordered, operator)
    signals = facts.signals(ordered, moments.injected, moments.ended)
    expectations = facts.expectations(ordered)
    end = first_of(ordered, RunEnded)
    result, issues = _result(end, mode, moments, hypotheses)
    units = {s.name: s.unit for s in signals if s.unit}
    first_revert = figures.first_revert(ordered)
    return DrillSummary(
        run_id=(start.run_id if start else "") or "unknown",
        unreadable_lines=unreadable,
        scenario=reveal.scenario if reveal else str(scenario.get("name") or "unknown"),
        title=scenario.get("title"),
        severity=scenario.get("severity"),
        description=scenario.get("description"),
        root_cause=(scenario.get("root_cause") or {}).get("summary"),
        runbook=scenario.get("runbook"),
        mode=mode,
        operator=operator,
        driver=target.get("driver"),
        project=target.get("project"),
        seed=start.seed if start else None,
        blind=bool(start and start.blind),
        drillctl_version=start.drillctl_version if start else None,
        result=result,
        engine_result=str(end.result) if end else None,
        exit_code=end.exit_code if end else None,
        reason=_reason(end, root),
        issues=issues,
        at=moments,
        durations=_durations(ordered, moments, remarks),
        first_revert_by=_revert_by(first_revert),
        faults=facts.faults(ordered),
        signals=signals,
        alerts=facts.alerts(ordered, moments.injected),
        expectations=expectations,
        hypotheses=hypotheses,
        hypothesis=hypotheses[-1] if hypotheses else None,
        auto_hypothesis=_auto(ordered, root),
        verdict=_verdict(ordered),
        evidence=evidence.evidence(ordered, root),
        remarks=remarks,
        reveal=reveal,
        unavailable_sources=evidence.unavailable_sources(ordered),
        traffic=facts.traffic(ordered),
        jobs_lost=facts.jobs_lost(expectations, signals),
        dashboards=evidence.dashboards(ordered),
        timeline=build_timeline(ordered, operator, units, root),
    )


def _mode(start: RunStarted | None) -> str | None:
    """The mode journalled (a journal without it, like the detection fixtures', says none)."""
    return start.mode if start and "mode" in start.model_fields_set else None


def _reason(end: RunEnded | None, root: str | None) -> str | None:
    if end is None or "reason" not in end.model_fields_set:
        return None
    return relative(end.reason, root)


def _moments(events: Sequence[JournalEvent], hypotheses: list[Hypothesis]) -> Moments:
    injected = figures.injected_at(events)
    symptom = figures.symptom_clock(events, injected)
    revert = figures.first_revert(events)
    return Moments(
        started=_at(first_of(events, RunStarted)),
        injected=injected,
        effective=_effective(events),
        symptom=symptom,
        acknowledged=figures.acknowledged_at(events),
        hypothesis=hypotheses[0].at if hypotheses else None,
        first_revert=_at(revert),
        recovered=figures.recovered_at(events, symptom),
        ended=_at(first_of(events, RunEnded)),
        revealed=_at(first_of(events, BlindRevealed)),
    )


def _revert_by(event: JournalEvent | None) -> str | None:
    if isinstance(event, FaultRevertStarted):
        return str(event.by)
    return "responder" if event is not None else None


def _effective(events: Sequence[JournalEvent]) -> datetime | None:
    """When the last fault took effect (``fault.injected``'s ``effective_at``), if journalled."""
    marks = [
        figures.instant(e.effective_at, e.ts)
        for e in of_type(events, FaultInjected)
        if e.effective_at
    ]
    return max(marks, default=None)


def _at(event: JournalEvent | None) -> datetime | None:
    return event.ts if event else None


def _durations(events: Sequence[JournalEvent], at: Moments, remarks: list[Remark]) -> Durations:
    between = figures.between
    to_hypothesis = between(at.symptom, at.hypothesis)
    hints = [r.at for r in remarks if r.kind == "hint"]
    before = [h for h in hints if at.hypothesis is None or h <= at.hypothesis]
    nothing = figures.nothing_to_revert(events)
    clock = at.symptom or at.injected
    return Durations(
        detect_s=between(at.effective or at.injected, at.symptom),
        acknowledge_s=between(at.symptom, at.acknowledged),
        hypothesis_s=to_hypothesis,
        hypothesis_responder_s=between(at.symptom, figures.responder_hypothesis_at(events)),
        hypothesis_drillctl_s=between(at.symptom, figures.drillctl_hypothesis_at(events)),
        hypothesis_within_target=None
        if to_hypothesis is None
        else to_hypothesis <= HYPOTHESIS_TARGET_S,
        hypothesis_unaided_s=between(at.symptom, before[0]) if before else to_hypothesis,
        hypothesis_without_hints_s=to_hypothesis if not before else None,
        hints_before_hypothesis=len(before) if at.hypothesis else 0,
        mitigate_s=None if nothing else between(clock, at.first_revert),
        mitigate_from=None if nothing or at.first_revert is None else _clock_name(at),
        nothing_to_revert=nothing,
        recover_s=between(at.symptom if nothing else at.first_revert, at.recovered),
        drill_s=between(at.started, at.ended),
    )


def _clock_name(at: Moments) -> str | None:
    if at.symptom is not None:
        return "symptom"
    return "injection" if at.injected is not None else None


def _hypotheses(
    events: Sequence[JournalEvent], operator: str, mode: str | None, root: str | None
) -> list[Hypothesis]:
    stated = [
        Hypothesis(text=e.text, at=e.ts, by=operator)  # the responder's words, as typed
        for e in of_type(events, ResponderHypothesis)
    ]
    if stated or mode == "interactive":
        return stated
    auto = _auto(events, root)
    return [auto] if auto else []


def _words(text: str, root: str | None) -> str:
    """Free text as every report shows it: paths relative to the project, numbers rounded."""
    return round_numbers(relative(text, root))


def _auto(events: Sequence[JournalEvent], root: str | None) -> Hypothesis | None:
    found = of_type(events, HypothesisAuto)
    if not found:
        return None
    latest = found[-1]
    return Hypothesis(
        text=_words(latest.text, root),
        at=found[0].ts,
        by="drillctl",
        seconds=latest.seconds,
        evidence=list(latest.evidence),
    )


def _verdict(events: Sequence[JournalEvent]) -> Verdict | None:
    latest: Verdict | None = None
    for event in events:
        if isinstance(event, HypothesisVerdict):
            hits = [str(k) for k in event.keywords_hit]
            by = event.by or "drillctl"
            latest = Verdict(matched=event.matched, by=by, at=event.ts, keywords_hit=hits)
        elif isinstance(event, GmVerdict):
            matched = event.verdict == "correct"
            latest = Verdict(matched=matched, by=event.by or "game master", at=event.ts)
    return latest


def _scenario_identity(placeholder: dict[str, Any], reveal: Reveal | None) -> dict[str, Any]:
    """A blind run's run.started holds a placeholder; once revealed, the hidden details win."""
    if reveal is None:
        return placeholder
    hidden = reveal.details
    cause = hidden.get("root_cause")
    return {
        **placeholder,
        "name": reveal.scenario,
        **{k: hidden[k] for k in ("title", "severity", "description", "runbook") if hidden.get(k)},
        "root_cause": {"summary": cause} if isinstance(cause, str) else cause or {},
    }


def _reveal(events: Sequence[JournalEvent]) -> Reveal | None:
    event = first_of(events, BlindRevealed)
    if event is None:
        return None
    details = dict(event.model_extra or {})
    return Reveal(scenario=event.scenario or "unknown", at=event.ts, details=details)


def _result(
    end: RunEnded | None, mode: str | None, at: Moments, hypotheses: list[Hypothesis]
) -> tuple[str, list[str]]:
    if end is None:
        return "unfinished", ["the journal has no run.ended event (crashed or still running)"]
    result = str(end.result)
    issues: list[str] = []
    if mode == "interactive" and at.injected is not None:
        if at.acknowledged is None:
            issues.append("the responder never acknowledged")
        if not hypotheses:
            issues.append("the responder stated no hypothesis")
    if result == "passed" and issues:
        result = "incomplete"
    return result, issues
