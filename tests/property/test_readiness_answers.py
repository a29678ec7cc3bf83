"""PagerDuty and Slack answers, documented and corrupted: the clients return their result or
raise ApiFailure (a blocker finding of the escalation check). Nothing else escapes."""

from __future__ import annotations

from typing import Any

from answers import PD_EVENT, PD_INCIDENTS, PD_ONCALLS, SLACK_REPLIES, STATUS, serve
from hypothesis import given
from strategies import bodies

from drillctl.core.clock import FakeClock
from drillctl.readiness.http import Ack, ApiFailure
from drillctl.readiness.pagerduty import OnCall, PagerDuty
from drillctl.readiness.slack import Slack


def outcome(status: int, body: str, call: Any) -> Any:
    try:
        return serve(status, body, call)
    except ApiFailure as exc:
        assert exc.detail.strip()
        return exc


def pagerduty(client: Any) -> PagerDuty:
    return PagerDuty(
        client, FakeClock(), "token", api_url="http://pd.test", events_url="http://ev.test"
    )


@given(STATUS, bodies(PD_ONCALLS))
def test_pagerduty_oncalls(status: int, body: str) -> None:
    got = outcome(status, body, lambda c: pagerduty(c).oncalls(["PI7DH85"]))
    assert isinstance(got, ApiFailure) or all(isinstance(o, OnCall) for o in got)


@given(STATUS, bodies(PD_INCIDENTS))
def test_pagerduty_acknowledgement(status: int, body: str) -> None:
    got = outcome(status, body, lambda c: pagerduty(c).acknowledgement("k"))
    assert got is None or isinstance(got, Ack | ApiFailure)


@given(STATUS, bodies(PD_EVENT))
def test_pagerduty_events(status: int, body: str) -> None:
    got = outcome(
        status if status != 200 else 202, body, lambda c: pagerduty(c).trigger("R", "s", "k")
    )
    assert isinstance(got, str | ApiFailure)


@given(STATUS, bodies(SLACK_REPLIES))
def test_slack_acknowledgement(status: int, body: str) -> None:
    got = outcome(
        status,
        body,
        lambda c: Slack(c, FakeClock(), "xoxb", api_url="http://slack.test").acknowledgement(
            "C1", "1.0", "#x"
        ),
    )
    assert got is None or isinstance(got, Ack | ApiFailure)
