"""``summarize(events) -> DrillSummary``: the one pure function every report is built on.

Rules worth knowing (they decide the figures people compare across drills):

- inject = the first ``fault.injected``; effective = the latest ``effective_at`` of the faults
  (when the last one took effect: a stop's ``die``, a recreate's ``start``...); symptom = the
  detect mark (``facts.detect_mark``: ``detected_at``) of the first ``symptom`` confirmed at or
  after the injection, so a baseline-time symptom of a not-steady run has no time to detect; time
  to detect runs from effective (inject in older journals) to symptom; recovered = the last
  ``recovered`` confirmation after the symptom. Signals whose ``baseline`` event says
  ``primary: false`` count for neither.
- hypothesis = the responder's (``responder.hypothesis``) in an interactive run, drillctl's own
  (``hypothesis.auto``) otherwise; the time to hypothesis runs to the *first* one stated, the text
  shown is the *latest*. The latest verdict wins (``hypothesis.verdict`` or ``gm.verdict``), so a
  team lead's ``report --judge`` overrides drillctl's keyword match.
- mitigate runs from the symptom to the first ``fault.revert-started``, whoever made it.
- durations are clamped at 0 (a revert before the symptom mitigates in 0 s).
- an interactive run the engine passed but nobody acknowledged, or without a hypothesis, is
  ``incomplete``, not ``passed``; ``issues`` says why. A journal without ``run.ended`` is
  ``unfinished`` (a crash or a run still going).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from drillctl.core.journal import Event
from drillctl.report import facts
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


def summarize(events: Iterable[Event]) -> DrillSummary:
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
    first_revert = _first(ordered, "fault.revert-started")
    return DrillSummary(
        run_id=str(head.get("run_id") or "unknown"),
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
        durations=_durations(moments, remarks),
        first_revert_by=(first_revert.data.get("by") if first_revert else None),
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
    injected = _at(_first(events, "fault.injected"))
    marks = _primary_marks(events)
    symptom_event = _first_symptom(marks, injected)
    symptom = facts.detect_mark(symptom_event) if symptom_event else None
    revert = _first(events, "fault.revert-started") or _first(events, "responder.revert")
    recoveries = [facts.when(e, "confirmed_at") for e in marks if e.type == "recovered"]
    recovered = max((r for r in recoveries if symptom is None or r >= symptom), default=None)
    return Moments(
        started=_at(_first(events, "run.started")),
        injected=injected,
        effective=_effective(events),
        symptom=symptom,
        acknowledged=_at(_first(events, "responder.ack")),
        hypothesis=hypotheses[0].at if hypotheses else None,
        first_revert=_at(revert),
        recovered=recovered if symptom else None,
        ended=_at(_first(events, "run.ended")),
        revealed=_at(_first(events, "blind.revealed")),
    )


def _primary_marks(events: Sequence[Event]) -> list[Event]:
    """``symptom``/``recovered`` events of primary signals. A ``baseline`` event may say
    ``primary: false`` (a secondary signal never times detection or recovery); without that key
    every signal counts."""
    secondary = {
        e.data.get("signal")
        for e in events
        if e.type == "baseline" and e.data.get("primary") is False
    }
    marks = ("symptom", "recovered")
    return [e for e in events if e.type in marks and e.data.get("signal") not in secondary]


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


def _first_symptom(events: Sequence[Event], injected: datetime | None) -> Event | None:
    symptoms = [e for e in events if e.type == "symptom"]
    if injected is None:
        return symptoms[0] if symptoms else None
    after = [e for e in symptoms if facts.when(e, "confirmed_at") >= injected]
    return min(after, key=facts.detect_mark, default=None)


def _between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)


def _durations(at: Moments, remarks: list[Remark]) -> Durations:
    to_hypothesis = _between(at.symptom, at.hypothesis)
    hints = [r.at for r in remarks if r.kind == "hint"]
    before = [h for h in hints if at.hypothesis is None or h <= at.hypothesis]
    unaided = _between(at.symptom, before[0]) if before else to_hypothesis
    return Durations(
        detect_s=_between(at.effective or at.injected, at.symptom),
        acknowledge_s=_between(at.symptom, at.acknowledged),
        hypothesis_s=to_hypothesis,
        hypothesis_within_target=None
        if to_hypothesis is None
        else to_hypothesis <= HYPOTHESIS_TARGET_S,
        hypothesis_unaided_s=unaided,
        hypothesis_without_hints_s=to_hypothesis if not before else None,
        hints_before_hypothesis=len(before) if at.hypothesis else 0,
        mitigate_s=_between(at.symptom, at.first_revert),
        recover_s=_between(at.first_revert, at.recovered),
        drill_s=_between(at.started, at.ended),
    )


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
