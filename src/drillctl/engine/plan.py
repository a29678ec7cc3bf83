"""The drill plan for ``drillctl run --dry-run``: what would happen, in words, touching nothing.

``build_plan`` asks each fault's plugin for its ``plan()`` (the same text the engine journals) and
gathers what is observed, expected and guarded; ``render_plan`` turns it into lines for a
terminal. Pure: no Docker, no network, no secret resolution (``${env:NAME}`` is shown as written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from drillctl.core.durations import format_duration
from drillctl.core.redact import Redactor
from drillctl.faults.base import FaultParams, FaultPlan
from drillctl.faults.registry import plugin_for
from drillctl.scenario.loader import faults_of
from drillctl.scenario.model import (
    EvidenceQuery,
    Expect,
    Guardrails,
    Invariant,
    ScenarioBase,
    Signal,
    SymptomRule,
)
from drillctl.scenario.render import redact_keeping_references
from drillctl.target.semantics import fault_semantics


@dataclass(frozen=True)
class FaultStep:
    index: int  # 1-based, in injection order
    type: str
    name: str | None
    plan: FaultPlan
    on_target: str | None = None  # how the fault acts on a driver other than compose


@dataclass(frozen=True)
class DrillPlan:
    scenario: ScenarioBase
    source: str
    target: str
    faults: list[FaultStep] = field(default_factory=list)


def build_plan(
    scenario: ScenarioBase, *, source: str, target: str, driver: str = "compose"
) -> DrillPlan:
    steps = [_step(i, params, driver) for i, params in enumerate(faults_of(scenario), start=1)]
    return DrillPlan(scenario, source, target, steps)


def _step(index: int, params: FaultParams, driver: str) -> FaultStep:
    kind = str(getattr(params, "type", "?"))
    return FaultStep(
        index, kind, params.name, plugin_for(params).plan(), fault_semantics(driver, kind)
    )


def render_plan(plan: DrillPlan, redactor: Redactor | None = None) -> list[str]:
    """The plan as terminal lines, passed through the redactor (argv passwords, tokens)."""
    redactor = redactor or Redactor()
    s = plan.scenario
    lines = [
        f"Drill plan: {s.name} [{s.severity}] {s.title}",
        f"  source:  {plan.source}",
        f"  target:  {plan.target}",
        *_variables(s, redactor),
        "",
        *_traffic(s),
        f"baseline: {format_duration(s.baseline)} (signals learn their normal level;"
        " a symptom already present stops the drill, exit 5)",
        "",
        "faults (injected in this order, reverted last-in-first-out on every exit path):",
        *[line for step in plan.faults for line in _fault(step)],
        "",
        "observe:",
        *_signals(s.signals),
        *_evidence(s.evidence),
        f"  recovery: until {s.recovery.until}, timeout {format_duration(s.recovery.timeout)}",
        "",
        "expect (unattended runs):",
        *_expect(s.expect),
        "",
        "guardrails:",
        *_guardrails(s.guardrails),
        "",
        "responder:",
        *_responder(s),
        "",
        "dry run: nothing was started, stopped or changed.",
    ]
    return [redactor.redact(line) for line in lines]


def _variables(s: ScenarioBase, redactor: Redactor) -> list[str]:
    if not s.vars:
        return []
    shown = redact_keeping_references(dict(s.vars), redactor)  # redis_password=*** (by its name)
    return [f"  vars:    {', '.join(f'{k}={v}' for k, v in shown.items())}"]


def _traffic(s: ScenarioBase) -> list[str]:
    t = s.traffic
    if t is None:
        return ["traffic: none (the stack's own load only)", ""]
    parts = [f"compose profile {t.profile}"] if t.profile else []
    parts += [f"HTTP {h.method} {h.url} at {h.rate:g}/s" for h in t.http]
    if t.socketio:
        parts.append(f"{t.socketio.clients} socket.io client(s) on {t.socketio.url}")
    return [f"traffic: {'; '.join(parts) or 'none'}", ""]


def _fault(step: FaultStep) -> list[str]:
    p = step.plan
    label = f"{step.type} ({step.name})" if step.name else step.type
    duration = (
        format_duration(p.duration) if p.duration else "no hold (reverted right after it acts)"
    )
    return [
        f"  {step.index}. {label}: {p.action}",
        f"     targets:  {', '.join(p.targets) or '-'}",
        f"     duration: {duration}",
        f"     revert:   {p.revert}",
        *([f"     on this target: {step.on_target}"] if step.on_target else []),
    ]


def _signals(signals: list[Signal]) -> list[str]:
    lines = ["  signals:"]
    for sig in signals:
        role = "" if sig.primary else " (context, not used for detection)"
        lines.append(f"    {sig.name} [{sig.source}{_on(sig.service)}]{role}")
        lines.append(f"      query:   {sig.query}")
        lines.append(f"      symptom: {describe_rule(sig.symptom)}")
    return lines


def _evidence(evidence: list[EvidenceQuery]) -> list[str]:
    if not evidence:
        return ["  evidence: none"]
    lines = ["  evidence:"]
    for ev in evidence:
        what = " ".join(x for x in (ev.query, f"/{ev.pattern}/" if ev.pattern else None) if x)
        lines.append(f"    {ev.name} [{ev.source}{_on(ev.service)}] {what}".rstrip())
    return lines


def _on(service: str | None) -> str:
    return f" on {service}" if service else ""


def _expect(e: Expect) -> list[str]:
    lines = [f"  symptom within {_d(e.symptom_within)}"] if e.symptom_within else []
    lines += [f"  alert {a.name} fires within {_d(a.within)}" for a in e.alerts]
    lines += [f"  recovered within {_d(e.recovered_within)}"] if e.recovered_within else []
    for inv in e.invariants:
        lines.append(
            f"  invariant {inv.name}: {_measured(inv)} [{inv.source}] {_bounds(inv)} ({inv.at})"
        )
    return lines or ["  nothing (an interactive drill: the responder drives it)"]


def _bounds(inv: object) -> str:
    parts = [
        f"{sign} {value:g}"
        for sign, value in (
            ("==", getattr(inv, "equals", None)),
            (">", getattr(inv, "above", None)),
            ("<", getattr(inv, "below", None)),
        )
        if value is not None
    ]
    return " and ".join(parts) or "(no bound)"


def _guardrails(g: Guardrails) -> list[str]:
    lines = [f"  max fault duration {_d(g.max_fault_duration)}"]
    lines += [f"  abort if {c.signal} {_bounds(c)}" for c in g.abort_if]
    return lines


def _cause_words(s: ScenarioBase) -> str:
    cause = s.root_cause
    if cause.service is not None and cause.kind is not None:
        return f"{cause.service} {cause.kind.value}"
    return "keywords " + ", ".join(cause.keywords)


def _responder(s: ScenarioBase) -> list[str]:
    lines = [f"  objective: {' '.join(s.objective.split())}"]
    lines += [f"  decision: {d}" for d in s.decisions]
    lines.append(f"  root cause: {_cause_words(s)}")
    lines.append(f"  runbook: {s.runbook or '-'}")
    return lines


def describe_rule(rule: SymptomRule) -> str:
    """A symptom rule in words (same reading as the detector's)."""
    sign = ">=" if rule.direction == "up" else "<="
    parts = [f"> {rule.above:g}"] if rule.above is not None else []
    parts += [f"< {rule.below:g}"] if rule.below is not None else []
    parts += [f"{sign} baseline x{rule.factor:g}"] if rule.factor is not None else []
    if rule.delta is not None:
        parts.append(f"{sign} baseline {'+' if rule.direction == 'up' else '-'}{abs(rule.delta):g}")
    text = " or ".join(parts)
    return f"{text} for {_d(rule.for_)}" if rule.for_ else text


def _d(value: timedelta | None) -> str:
    return format_duration(value) if value is not None else "-"


def _measured(inv: Invariant) -> str:
    return f"change of {inv.query} since the injection" if inv.measure == "change" else inv.query
