"""What a scenario already knows, written as runbook section bodies.

Pure functions of the scenario model: the signals and their queries and the evidence queries go
to Diagnosis (with the local commands drillctl can derive), the fault's revert goes to Fix, the
root cause to Likely causes, the expected alerts to Prevention. Whatever drillctl cannot know (the
deployed-environment commands, the rollback of the fix) stays ``{{TBD}}`` so lint keeps it visible.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from drillctl.core.durations import format_duration
from drillctl.faults.base import FaultParams
from drillctl.faults.registry import plugin_for
from drillctl.readiness.template import PLACEHOLDER
from drillctl.scenario.model import EvidenceQuery, ScenarioBase, Signal, SymptomRule


def section_bodies(scenario: ScenarioBase) -> dict[str, str]:
    return {
        "Symptom": _symptom(scenario),
        "Likely causes": _causes(scenario),
        "Diagnosis": _diagnosis(scenario),
        "Fix": _fix(scenario),
        "Prevention": _prevention(scenario),
    }


def _causes(scenario: ScenarioBase) -> str:
    return f"Most frequent first.\n\n- {scenario.root_cause.summary}\n- {PLACEHOLDER}"


def _symptom(scenario: ScenarioBase) -> str:
    text = " ".join(scenario.description.split())
    alerts = ", ".join(f"`{a.name}`" for a in scenario.expect.alerts)
    return f"{text} Alerts: {alerts}." if alerts else text


def _diagnosis(scenario: ScenarioBase) -> str:
    parts = [
        f"What the `{scenario.name}` drill watches (normal = its baseline before the fault):",
        "",
    ]
    parts += [
        f"- `{s.name}` ({s.source}): `{s.query}`, symptom when {_rule(s.symptom)}"
        for s in scenario.signals
    ]
    if scenario.evidence:
        parts += ["", "Evidence to collect:", ""]
        parts += [f"- {e.name} ({e.source}): {_evidence_what(e)}" for e in scenario.evidence]
    commands = [c for c in (_local_command(s) for s in scenario.signals) if c]
    commands += [c for c in (_evidence_command(e) for e in scenario.evidence) if c]
    if not any(c.startswith("docker compose exec") for c in commands):
        commands.append(f"docker compose exec {PLACEHOLDER}")
    parts += ["", "Local lab (from the compose project directory):", "", "```sh", *commands, "```"]
    deployed = f'kubectl exec -n "$NAMESPACE" deploy/{PLACEHOLDER} -- {PLACEHOLDER}'
    parts += ["", "Deployed environment (`kubectl`, or `aws ecs execute-command` on ECS):", ""]
    return "\n".join([*parts, "```sh", deployed, "```"])


def _rule(rule: SymptomRule) -> str:
    down = rule.direction == "down"
    conditions = [
        f"above {rule.above:g}" if rule.above is not None else "",
        f"below {rule.below:g}" if rule.below is not None else "",
        f"{'at or below' if down else 'at or above'} {rule.factor:g}x the baseline"
        if rule.factor is not None
        else "",
        f"baseline {'-' if down else '+'} {rule.delta:g}" if rule.delta is not None else "",
    ]
    text = " or ".join(c for c in conditions if c)
    return f"{text} for {format_duration(rule.for_)}" if rule.for_.total_seconds() else text


def _evidence_what(evidence: EvidenceQuery) -> str:
    what = [
        f"`{evidence.query}`" if evidence.query else "",
        f"service `{evidence.service}`" if evidence.service else "",
    ]
    what.append(f"lines matching `{evidence.pattern}`" if evidence.pattern else "")
    return ", ".join(w for w in what if w) or "see the drill report"


def _local_command(signal: Signal) -> str | None:
    build = _COMMANDS.get(signal.source)
    return build(signal) if build else None


def _evidence_command(evidence: EvidenceQuery) -> str | None:
    if evidence.source == "prometheus" and evidence.query:
        return _promtool(evidence.query)
    if evidence.source in ("logs", "loki") and evidence.service:
        pattern = evidence.pattern or ""
        flags = "-iE" if pattern.startswith("(?i)") else "-E"
        grep = f" | grep {flags} {shlex.quote(pattern.removeprefix('(?i)'))}" if pattern else ""
        return f"docker compose logs --since 15m {evidence.service}{grep} | tail -n 50"
    return None


def _promtool(query: str) -> str:
    promtool = "promtool query instant http://localhost:9090"
    return f"docker compose exec prometheus {promtool} {shlex.quote(query)}"


def _prometheus(s: Signal) -> str:
    return _promtool(s.query)


def _alertmanager(s: Signal) -> str:
    amtool = "amtool alert query --alertmanager.url=http://localhost:9093"
    return f"docker compose exec alertmanager {amtool} alertname={shlex.quote(s.query)}"


def _redis(s: Signal) -> str:
    return f"docker compose exec {s.service or 'ebit-redis-cache'} redis-cli {s.query}"


def _sql(s: Signal) -> str:
    return f"docker compose exec {s.service or 'ebit-postgres'} psql -c {shlex.quote(s.query)}"


def _logs(s: Signal) -> str:
    service = f" {s.service}" if s.service else ""
    return f"docker compose logs --since 15m{service} | grep -E {shlex.quote(s.query)}"


def _http(s: Signal) -> str:
    return f"curl -sS -o /dev/null -w '%{{http_code}} %{{time_total}}s\\n' {shlex.quote(s.query)}"


_COMMANDS: dict[str, Callable[[Signal], str]] = {
    "prometheus": _prometheus,
    "alertmanager": _alertmanager,
    "redis": _redis,
    "sql": _sql,
    "logs": _logs,
    "loki": _logs,
    "http": _http,
}


def _fix(scenario: ScenarioBase) -> str:
    faults: list[FaultParams] = list(getattr(scenario, "faults", []))
    steps = [f"{n}. {revert_step(f)}" for n, f in enumerate(reversed(faults), start=1)]
    timeout = format_duration(scenario.recovery.timeout)
    steps.append(
        f"{len(steps) + 1}. Confirm recovery: every signal above is back to its baseline"
        f" within {timeout}."
    )
    return "\n".join(
        ["Undo the cause, newest change first:", "", *steps, "", f"Rollback: {PLACEHOLDER}"]
    )


def revert_step(fault: FaultParams) -> str:
    """How to undo one fault: the fault plugin's own words, and its local command if it has one
    (its secret words masked)."""
    plan = plugin_for(fault).plan()
    command = f": `docker compose {shlex.join(plan.by_hand)}`" if plan.by_hand else ""
    return f"{plan.revert[:1].upper()}{plan.revert[1:]}{command}."


def _prevention(scenario: ScenarioBase) -> str:
    lines = [
        f"- Alert `{a.name}` fires within {format_duration(a.within)};"
        f" `drillctl run {scenario.name}` proves it."
        for a in scenario.expect.alerts
    ]
    return "\n".join([*lines, f"- {PLACEHOLDER}"])
