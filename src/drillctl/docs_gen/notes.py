"""Meanings of the fields whose model carries no description (``Model.field`` -> text).

A field's own ``description=`` or trailing ``# comment`` in the code wins over a note here. A note
whose model or field no longer exists makes the generator fail (``check_notes``), so this file
cannot drift from the models either.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

FIELD_NOTES: dict[str, str] = {
    # scenario, top level
    "Scenario.name": "identifier: `drillctl run NAME`, run ids, history; a-z, 0-9 and dashes",
    "Scenario.title": "one line for the live panel, the timeline and the reports",
    "Scenario.severity": "the incident severity the drill rehearses",
    "Scenario.description": "what the drill does, in a sentence or two",
    "Scenario.difficulty": "for choosing a drill",
    "Scenario.tags": "free labels",
    "Scenario.traffic": "steady load drillctl generates from this machine during the drill",
    "Scenario.baseline": "how long the signals are watched before any fault, to learn their "
    "normal level; a symptom already present stops the drill (exit 5)",
    "Scenario.signals": "what is watched; primary signals decide symptom and recovery",
    "Scenario.evidence": "logs, traces and dashboards collected for the timeline",
    "Scenario.recovery": "when the stack counts as healthy again after the revert",
    "Scenario.expect": "what an unattended run (`--non-interactive`, CI) checks; a miss is exit 1",
    "Scenario.guardrails": "limits on the drill itself",
    "Scenario.root_cause": "the true cause; a responder's hypothesis is matched against it",
    "Scenario.runbook": "the runbook the responder should follow (path)",
    "Scenario.dashboards": "Grafana dashboards deep-linked for the drill window",
    "Scenario.faults": "what is broken, in order; reverted last-in-first-out",
    # traffic
    "Traffic.http": "HTTP request streams",
    "Traffic.socketio": "long-lived socket.io clients",
    "HttpTraffic.url": "URL requested from this machine",
    "HttpTraffic.method": "HTTP method",
    "HttpTraffic.concurrency": "requests in flight at most",
    "HttpTraffic.json_body": "JSON request body",
    "HttpTraffic.headers": "request headers (use `${env:NAME}` for tokens)",
    "SocketIoTraffic.url": "base URL of the socket.io server",
    "SocketIoTraffic.path": "socket.io endpoint path",
    # signals and evidence
    "Signal.name": "unique in the scenario; `guardrails.abort_if` refers to it",
    "Signal.source": "where the value comes from (see Observability setup)",
    "Signal.unit": "shown with the values; for `http` and `tcp` probes it also picks the value "
    "(`ok`, `status`, `ms`)",
    "Signal.description": "shown in the panel and the reports",
    "Signal.symptom": "when the value counts as a symptom",
    "EvidenceQuery.name": "label in the timeline",
    "EvidenceQuery.source": "where to look",
    "EvidenceQuery.query": "LogQL, PromQL, a trace search or a dashboard, by source",
    "EvidenceQuery.service": "compose service (logs, traces)",
    "EvidenceQuery.limit": "most items kept",
    "SymptomRule.above": "breach when value > above",
    "SymptomRule.below": "breach when value < below",
    "SymptomRule.direction": "which way `factor` and `delta` look",
    "SymptomRule.for_": "a breach (or a recovery) must last this long to count",
    # recovery, expectations, guardrails
    "Recovery.until": "every primary signal back to normal",
    "Recovery.timeout": "how long after the revert recovery may take",
    "Expect.symptom_within": "a symptom must be detected this soon after injection",
    "Expect.alerts": "alerts that must fire",
    "Expect.recovered_within": "recovery must come this soon after the revert",
    "Expect.invariants": "conditions on data that must hold",
    "AlertExpectation.name": "alert name (Prometheus alerting rule)",
    "AlertExpectation.within": "how soon after injection it must fire",
    "Invariant.name": "label in the report",
    "Invariant.source": "where the value comes from",
    "Invariant.query": "PromQL, SQL or a redis argv",
    "Invariant.dsn": "connection string for sql/redis (use `${env:NAME}`)",
    "Invariant.equals": "the value must equal this",
    "Invariant.above": "the value must stay above this",
    "Invariant.below": "the value must stay below this",
    "Invariant.at": "`end`: checked once at the end; `always`: on every reading",
    "Guardrails.max_fault_duration": "no fault may last longer; a longer one is refused at load",
    "Guardrails.abort_if": "thresholds that abort the drill and revert at once (exit 3)",
    "AbortCondition.signal": "a signal name from `signals`",
    "AbortCondition.above": "abort when the signal goes above this",
    "AbortCondition.below": "abort when the signal goes below this",
    "RootCause.summary": "the true cause in one sentence",
    "RootCause.keywords": "words a correct hypothesis mentions",
    "RootCause.min_keywords": "how many keywords a hypothesis must hit to count as correct",
    # faults
    "FaultParams.name": "id shown in the timeline (default: the type)",
    "StopServiceParams.service": "compose service to stop",
    "StopServiceParams.duration": "how long it stays stopped before drillctl starts it",
    "KillServiceParams.service": "compose service whose containers get the signal",
    "KillServiceParams.signal": "signal name sent to its containers",
    "PauseServiceParams.service": "compose service to freeze",
    "PauseServiceParams.duration": "how long it stays paused before drillctl unpauses it",
    "RestartServiceParams.service": "compose service to restart",
    "ExecParams.service": "compose service whose container runs the command",
    "ExecParams.argv": "the command as a list, passed verbatim (no shell)",
    "ExecParams.shell": "run `command` through `/bin/sh -c` instead of `argv`",
    "ExecParams.user": "user inside the container",
    "EnvOverrideParams.service": "compose service recreated with the changed environment",
    "EnvOverrideParams.environment": "variables to set (use `${env:NAME}` for secrets)",
    "EnvOverrideParams.duration": "how long the override stays before the revert",
    "WsStormParams.path": "socket.io endpoint path",
    "WsStormParams.namespace": "socket.io namespace to connect to",
    "WsStormParams.duration": "how long the storm lasts (with `count`, whichever ends first)",
    "HostCommandParams.argv": "the program and its arguments (no shell)",
    "HostCommandParams.duration": "how long it runs before drillctl stops it",
    "HostCommandParams.cwd": "working directory (must exist)",
    "HostCommandParams.env": "extra environment variables for the process",
    "HostCommandParams.stop_signal": "signal sent to its process group on revert (then SIGKILL)",
    # journal
    "Line.seq": "1, 2, 3... in the order appended",
    "Line.ts": "wall clock, UTC, ISO 8601",
    "Line.mono": "monotonic clock, seconds (durations are computed from it)",
    "Line.type": "the event type (below)",
    "Line.data": "the event's fields (below); secrets are masked before writing",
    # configuration
    "ProjectConfig.profiles": "compose profiles enabled in every compose command drillctl runs",
    "ProjectConfig.driver": "target driver: `compose`, or `swarm` (`name` is the stack)",
    "SafetyConfig.allowed_docker_hosts": "remote Docker hosts (`DOCKER_HOST`, docker context "
    "endpoints such as `ssh://ci-host`) drillctl may drill; local engines need no entry",
    "SourcesConfig.prometheus": "Prometheus base URL",
    "SourcesConfig.alertmanager": "Alertmanager base URL",
    "SourcesConfig.loki": "Loki base URL (without it, logs come from the containers' logs)",
    "SourcesConfig.loki_tenant": "sent as `X-Scope-OrgID` to a multi-tenant Loki",
    "SourcesConfig.jaeger": "Jaeger query base URL",
    "SourcesConfig.grafana": "Grafana base URL drillctl talks to",
    "SourcesConfig.grafana_token": "Grafana service-account token; write `${env:NAME}`",
    "SourcesConfig.timeout": "per-request timeout for every source",
    "DrillConfig.poll_interval": "how often signals are read",
    "DrillConfig.operator": "the responder's name in the journal and the reports",
    "DrillConfig.runbooks_dir": "team runbook folder",
    "DrillConfig.scenarios_dir": "team scenario folder (a file there replaces a built-in)",
    "DrillConfig.state_dir": "runs, lock and history (default: `.drillctl/` in the project dir)",
    "DrillConfig.blind_sets": "named lists of scenarios a blind drill picks from",
    "NotifyConfig.slack_webhook": "Slack incoming webhook for timelines (use `${env:NAME}`)",
    "NotifyConfig.pagerduty_token": "PagerDuty API token (use `${env:NAME}`)",
    "NotifyConfig.slack_token": "Slack bot token (use `${env:NAME}`)",
}


def note(model: type[BaseModel], field: str) -> str:
    """The note for a field, looked up by the class and then its bases."""
    for cls in model.__mro__:
        text = FIELD_NOTES.get(f"{_name(cls)}.{field}")
        if text:
            return text
    is_fault = any(cls.__name__ == "FaultParams" for cls in model.__mro__)
    return "selects this fault type" if is_fault and field == "type" else ""


def _name(cls: type) -> str:
    return "Scenario" if cls.__name__ in ("Scenario", "ScenarioBase") else cls.__name__


def check_notes(models: Iterable[type[BaseModel]]) -> list[str]:
    """Notes that name a model or field the code no longer has."""
    known = {f"{_name(m)}.{f}" for m in models for f in m.model_fields}
    return sorted(key for key in FIELD_NOTES if key not in known)
