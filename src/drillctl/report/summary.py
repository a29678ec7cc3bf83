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

from drillctl.core.events import FaultRevertStarted
from drillctl.core.journal import Event
from drillctl.report import facts, figures
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
from drillctl.report.timeline import build_timeline


def summarize(events: Iterable[Event], unreadable: int = 0) -> DrillSummary:
    """``unreadable``: how many journal lines could not be read (``JournalRead.unreadable``)."""
    ordered = sorted(events, key=lambda e: e.seq)
    start = _first(ordered, "run.started")
    head = start.data if start else {}
    reveal = _reveal(ordered)
    scenario = _scenario_identity(head.get("scenario") or {}, reveal)
    target = head.get("target") or {}
    operator = str(head.get("operator") or "responder")
    mode = head.get("mode")
    hypotheses = _hypotheses(ordered, operator, mode)
    moments = _moments(ordered, hypotheses)
    remarks = facts.remarks(ordered, operator)
    signals = facts.signals(ordered, moments.injected, moments.ended)
    expectations = facts.expectations(ordered)
    end = _first(ordered, "run.ended")
    result, issues = _result(end, mode, moments, hypotheses)
    units = {s.name: s.unit for s in signals if s.unit}
    first_revert = figures.first_revert(ordered)
    return DrillSummary(
        run_id=str(head.get("run_id") or "unknown"),
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
        seed=head.get("seed"),
        blind=bool(head.get("blind")),
        drillctl_version=head.get("drillctl_version"),
        result=result,
        engine_result=end.data.get("result") if end else None,
        exit_code=end.data.get("exit_code") if end else None,
        reason=end.data.get("reason") if end else None,
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
        auto_hypothesis=_auto(ordered),
        verdict=_verdict(ordered),
        evidence=facts.evidence(ordered),
        remarks=remarks,
        reveal=reveal,
        unavailable_sources=facts.unavailable_sources(ordered),
        traffic=facts.traffic(ordered),
        jobs_lost=facts.jobs_lost(expectations, signals),
        dashboards=facts.dashboards(ordered),
        timeline=build_timeline(ordered, operator, units),
    )


def _first(events: Sequence[Event], type_: str, since: datetime | None = None) -> Event | None:
    return next((e for e in events if e.type == type_ and (since is None or e.ts >= since)), None)


def _moments(events: Sequence[Event], hypotheses: list[Hypothesis]) -> Moments:
    injected = figures.injected_at(events)
    symptom = figures.symptom_clock(events, injected)
    revert = figures.first_revert(events)
    return Moments(
        started=_at(_first(events, "run.started")),
        injected=injected,
        effective=_effective(events),
        symptom=symptom,
        acknowledged=figures.acknowledged_at(events),
        hypothesis=hypotheses[0].at if hypotheses else None,
        first_revert=_at(revert),
        recovered=figures.recovered_at(events, symptom),
        ended=_at(_first(events, "run.ended")),
        revealed=_at(_first(events, "blind.revealed")),
    )


def _revert_by(event: Event | None) -> str | None:
    if isinstance(event, FaultRevertStarted):
        return str(event.by)
    return "responder" if event is not None else None


def _effective(events: Sequence[Event]) -> datetime | None:
    """When the last fault took effect (``fault.injected``'s ``effective_at``), if journalled."""
    marks = [
        facts.when(e, "effective_at")
        for e in events
        if e.type == "fault.injected" and e.data.get("effective_at")
    ]
    return max(marks, default=None)


def _at(event: Event | None) -> datetime | None:
    return event.ts if event else None


def _durations(events: Sequence[Event], at: Moments, remarks: list[Remark]) -> Durations:
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


def _hypotheses(events: Sequence[Event], operator: str, mode: str | None) -> list[Hypothesis]:
    stated = [
        Hypothesis(text=str(e.data.get("text", "")), at=e.ts, by=operator)
        for e in events
        if e.type == "responder.hypothesis"
    ]
    if stated or mode == "interactive":
        return stated
    auto = _auto(events)
    return [auto] if auto else []


def _auto(events: Sequence[Event]) -> Hypothesis | None:
    latest = [e for e in events if e.type == "hypothesis.auto"]
    if not latest:
        return None
    data = latest[-1].data
    return Hypothesis(
        text=str(data.get("text", "")),
        at=latest[0].ts,
        by="drillctl",
        seconds=facts.as_float(data.get("seconds")),
        evidence=list(data.get("evidence") or []),
    )


def _verdict(events: Sequence[Event]) -> Verdict | None:
    latest: Verdict | None = None
    for event in events:
        data = event.data
        if event.type == "hypothesis.verdict":
            hits = [str(k) for k in data.get("keywords_hit") or []]
            latest = Verdict(
                matched=bool(data.get("matched")),
                by=str(data.get("by") or "drillctl"),
                at=event.ts,
                keywords_hit=hits,
            )
        elif event.type == "gm.verdict":
            matched = data.get("verdict") == "correct"
            latest = Verdict(matched=matched, by=str(data.get("by") or "game master"), at=event.ts)
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


def _reveal(events: Sequence[Event]) -> Reveal | None:
    event = _first(events, "blind.revealed")
    if event is None:
        return None
    details = {k: v for k, v in event.data.items() if k != "scenario"}
    return Reveal(scenario=str(event.data.get("scenario", "unknown")), at=event.ts, details=details)


def _result(
    end: Event | None, mode: str | None, at: Moments, hypotheses: list[Hypothesis]
) -> tuple[str, list[str]]:
    if end is None:
        return "unfinished", ["the journal has no run.ended event (crashed or still running)"]
    result = str(end.data.get("result") or "failed")
    issues: list[str] = []
    if mode == "interactive" and at.injected is not None:
        if at.acknowledged is None:
            issues.append("the responder never acknowledged")
        if not hypotheses:
            issues.append("the responder stated no hypothesis")
    if result == "passed" and issues:
        result = "incomplete"
    return result, issues
