"""The live-check settings and the clients they allow, built once per escalation check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx

from drillctl.config import NotifyConfig
from drillctl.core.clock import Clock
from drillctl.readiness.pagerduty import PagerDuty
from drillctl.readiness.slack import Slack


@dataclass(frozen=True)
class LiveSettings:
    pagerduty_token: str | None = None
    pagerduty_api_url: str = "https://api.pagerduty.com"
    pagerduty_events_url: str = "https://events.pagerduty.com"
    pagerduty_routing_key: str | None = None
    slack_token: str | None = None
    slack_api_url: str = "https://slack.com/api"
    bridge_timeout: float = 5.0
    ack_timeout: float = 300.0
    poll_interval: float = 5.0


@dataclass(frozen=True)
class Services:
    """The clients the configured tokens allow (None: not configured)."""

    client: httpx.AsyncClient
    clock: Clock
    live: LiveSettings
    pagerduty: PagerDuty | None
    slack: Slack | None

    @classmethod
    def build(cls, client: httpx.AsyncClient, clock: Clock, live: LiveSettings) -> Services:
        pagerduty = slack = None
        if live.pagerduty_token:
            urls = (live.pagerduty_api_url, live.pagerduty_events_url)
            pagerduty = PagerDuty(client, clock, live.pagerduty_token, *urls)
        if live.slack_token:
            slack = Slack(client, clock, live.slack_token, live.slack_api_url)
        return cls(client, clock, live, pagerduty, slack)


# Base URLs and the Events API routing key come from the environment until the settings have
# fields for them (proposed: notify.pagerduty_api_url, pagerduty_events_url,
# pagerduty_routing_key, slack_api_url).
ENV_URLS = {
    "pagerduty_api_url": "DRILLCTL_PAGERDUTY_API_URL",
    "pagerduty_events_url": "DRILLCTL_PAGERDUTY_EVENTS_URL",
    "pagerduty_routing_key": "DRILLCTL_PAGERDUTY_ROUTING_KEY",
    "slack_api_url": "DRILLCTL_SLACK_API_URL",
}


def live_settings(notify: NotifyConfig, env: Mapping[str, str], **given: Any) -> LiveSettings:
    """Tokens from the settings (notify.*), URLs and routing key from ``DRILLCTL_*`` variables."""
    from_env: dict[str, Any] = {f: env[name] for f, name in ENV_URLS.items() if env.get(name)}
    tokens = LiveSettings(pagerduty_token=notify.pagerduty_token, slack_token=notify.slack_token)
    return replace(tokens, **from_env, **given)
