"""``escalation check --ping``: one test message per Slack channel, one PagerDuty test event, and
a bounded wait for a human to acknowledge each; who acknowledged and when is recorded.

A test nobody acknowledges is a blocker (the path does not reach a person). The PagerDuty test
event is resolved afterwards so it does not linger as an open incident.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable

from drillctl.readiness.escalation import Matrix, Tier
from drillctl.readiness.findings import Finding
from drillctl.readiness.http import Ack, ApiFailure, wait_for
from drillctl.readiness.pagerduty import PagerDuty
from drillctl.readiness.services import Services
from drillctl.readiness.slack import Slack

SLACK_TEXT = (
    "drillctl escalation check: test message for {where}. "
    "Please acknowledge it: reply in this thread or add a reaction."
)
PAGERDUTY_SUMMARY = "drillctl escalation check: test incident, please acknowledge"
Outcome = tuple[Finding, Ack | None]


async def ping_all(matrix: Matrix, services: Services) -> tuple[list[Finding], list[Ack]]:
    jobs: list[Awaitable[Outcome]] = []
    if services.slack is not None:
        tiers = {t.channel_id(): t for t in matrix.tiers if t.channel_id()}
        jobs += [_ping_slack(matrix.file, t, services.slack, services) for t in tiers.values()]
    if services.pagerduty is not None and services.live.pagerduty_routing_key:
        jobs.append(_ping_pagerduty(matrix, services.pagerduty, services))
    outcomes = list(await asyncio.gather(*jobs))
    if services.pagerduty is None or not services.live.pagerduty_routing_key:
        message = (
            "PagerDuty not pinged: needs a token and a routing key (DRILLCTL_PAGERDUTY_ROUTING_KEY)"
        )
        outcomes.append((matrix.note("not-pinged", message), None))
    return [f for f, _ in outcomes], [a for _, a in outcomes if a is not None]


async def _ping_slack(file: str, tier: Tier, slack: Slack, services: Services) -> Outcome:
    channel_id = tier.channel_id() or ""
    label = f"{tier.channel_name()} ({channel_id})"
    live = services.live
    try:
        ts = await slack.post(channel_id, SLACK_TEXT.format(where=f"{tier.label}, {label}"))
        ack = await wait_for(
            lambda: slack.acknowledgement(channel_id, ts, label),
            services.clock,
            live.ack_timeout,
            live.poll_interval,
        )
    except ApiFailure as exc:
        return Finding(
            file, tier.line, "ping-failed", f"{tier.label}: ping to {label} failed: {exc.detail}"
        ), None
    return _ack_finding(file, tier.line, f"{tier.label}: {label}", ack, live.ack_timeout), ack


async def _ping_pagerduty(matrix: Matrix, pagerduty: PagerDuty, services: Services) -> Outcome:
    key = services.live.pagerduty_routing_key or ""
    live = services.live
    try:
        dedup = await pagerduty.trigger(
            key, PAGERDUTY_SUMMARY, f"drillctl-ping-{uuid.uuid4().hex[:12]}"
        )
        ack = await wait_for(
            lambda: pagerduty.acknowledgement(dedup),
            services.clock,
            live.ack_timeout,
            live.poll_interval,
        )
        await pagerduty.resolve(key, dedup)
    except ApiFailure as exc:
        message = f"PagerDuty test event failed: {exc.detail}"
        return Finding(matrix.file, matrix.header_line, "ping-failed", message), None
    return _ack_finding(
        matrix.file, matrix.header_line, "PagerDuty test incident", ack, live.ack_timeout
    ), ack


def _ack_finding(file: str, line: int, where: str, ack: Ack | None, timeout: float) -> Finding:
    if ack is None:
        return Finding(
            file, line, "no-ack", f"{where}: nobody acknowledged the test within {timeout:g}s"
        )
    when = ack.at.isoformat().replace("+00:00", "Z")
    message = f"{where}: acknowledged by {ack.who} at {when} ({ack.how})"
    return Finding(file, line, "acknowledged", message, "note")
