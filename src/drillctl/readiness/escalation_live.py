"""The escalation check end to end: the static checks, then what needs the network.

Live checks: each bridge URL answers (HEAD, GET when HEAD is refused, short timeout); with a
PagerDuty token, each schedule has someone on call now; with a Slack token, each channel exists
and is not archived. A service that refuses or does not answer is a blocker: the matrix is not
proven usable. ``--ping`` (in ``escalation_ping``) then asks a human to acknowledge.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from drillctl.core.urls import url_problem
from drillctl.readiness.escalation import Matrix, Tier, check_static
from drillctl.readiness.escalation_ping import ping_all
from drillctl.readiness.findings import Finding, blockers, ordered
from drillctl.readiness.http import Ack, ApiFailure
from drillctl.readiness.pagerduty import OnCall
from drillctl.readiness.services import Services
from drillctl.readiness.slack import Slack


@dataclass
class EscalationResult:
    file: str
    sha256: str
    offline: bool
    ping: bool
    findings: list[Finding] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not blockers(self.findings)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def check_escalation(
    path: Path, services: Services, *, offline: bool = False, ping: bool = False
) -> EscalationResult:
    result = EscalationResult(str(path), file_sha256(path), offline, ping)
    matrix, result.findings = check_static(path)
    if matrix is None:
        return result
    if offline:
        message = "network checks skipped (--offline): bridges, on-call and channels not verified"
        result.findings.append(matrix.note("offline", message))
    else:
        result.findings += await live_findings(matrix, services)
        if ping:
            found, result.acks = await ping_all(matrix, services)
            result.findings += found
    result.findings = ordered(result.findings)
    return result


async def live_findings(matrix: Matrix, services: Services) -> list[Finding]:
    bridges, oncall, channels = await asyncio.gather(
        _bridges(matrix, services), _pagerduty(matrix, services), _slack(matrix, services)
    )
    return [*bridges, *oncall, *channels]


async def _bridges(matrix: Matrix, services: Services) -> list[Finding]:
    urls = sorted({t.bridge_url() for t in matrix.tiers if t.cells.get("bridge", "").strip()})
    timeout = services.live.bridge_timeout
    answers = await asyncio.gather(*(bridge_problem(services.client, u, timeout) for u in urls))
    problems = dict(zip(urls, answers, strict=True))
    return [
        Finding(matrix.file, t.line, "bridge-down", f"{t.label}: bridge {url} {problems[url]}")
        for t in matrix.tiers
        if problems.get(url := t.bridge_url())
    ]


async def bridge_problem(client: httpx.AsyncClient, url: str, timeout: float) -> str | None:
    """None when the URL answers (status below 400), else what went wrong."""
    if url_problem(url):
        return None  # malformed: already a static finding (httpx would raise InvalidURL)
    try:
        response = await client.head(url, timeout=timeout, follow_redirects=True)
        if response.status_code in (405, 501):  # HEAD refused: ask with GET, leave the body
            async with client.stream("GET", url, timeout=timeout, follow_redirects=True) as got:
                response = got
    except httpx.TimeoutException:
        return f"did not answer within {timeout:g}s"
    except httpx.HTTPError as exc:
        return f"does not answer: {type(exc).__name__}: {exc}"
    return f"answers HTTP {response.status_code}" if response.status_code >= 400 else None


async def _pagerduty(matrix: Matrix, services: Services) -> list[Finding]:
    tiers = [t for t in matrix.tiers if t.schedule_id()]
    if not tiers:
        return []
    if services.pagerduty is None:
        message = "PagerDuty schedules not verified: no token (notify.pagerduty_token)"
        return [matrix.note("not-verified", message)]
    try:
        oncalls = await services.pagerduty.oncalls([t.schedule_id() or "" for t in tiers])
    except ApiFailure as exc:
        message = f"cannot verify who is on call: {exc}"
        return [Finding(matrix.file, matrix.header_line, "pagerduty-error", message)]
    return [
        _oncall(matrix.file, t, [o for o in oncalls if o.schedule_id == t.schedule_id()])
        for t in tiers
    ]


def _oncall(file: str, tier: Tier, oncalls: list[OnCall]) -> Finding:
    schedule = tier.schedule_id()
    if not oncalls:
        message = f"{tier.label}: nobody is on call now on PagerDuty schedule {schedule}"
        return Finding(file, tier.line, "nobody-on-call", message)
    people = ", ".join(
        f"{o.user} (level {o.level})" for o in sorted(oncalls, key=lambda o: o.level)
    )
    return Finding(
        file, tier.line, "on-call", f"{tier.label}: on call now on {schedule}: {people}", "note"
    )


async def _slack(matrix: Matrix, services: Services) -> list[Finding]:
    tiers = [t for t in matrix.tiers if t.cells.get("slack", "").strip()]
    if not tiers:
        return []
    if services.slack is None:
        message = "Slack channels not verified: no token (notify.slack_token)"
        return [matrix.note("not-verified", message)]
    slack = services.slack
    return [f for t in tiers for f in await _channel(matrix.file, t, slack)]


async def _channel(file: str, tier: Tier, slack: Slack) -> list[Finding]:
    channel_id = tier.channel_id()
    where = f"{tier.label}: Slack channel {tier.channel_name()}"
    if channel_id is None:
        message = f"{where} cannot be verified: write its id too, e.g. '#name (C0123ABCD)'"
        return [Finding(file, tier.line, "channel-unverified", message)]
    try:
        info = await slack.channel(channel_id)
    except ApiFailure as exc:
        return [Finding(file, tier.line, "channel-error", f"{where} ({channel_id}): {exc.detail}")]
    if info.get("is_archived"):
        return [Finding(file, tier.line, "channel-archived", f"{where} ({channel_id}) is archived")]
    return []
