"""PagerDuty against a local fake answering as api-contracts.md §7 documents: `/oncalls` with
`Authorization: Token token=…`, `schedule_ids[]`, pagination on `more`, `schedule: null` entries
and `{"error": {...}}` bodies on 400/401/429; Events API v2 for the --ping test incident."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from drillctl.core.clock import FakeClock
from drillctl.readiness.escalation_live import EscalationResult, check_escalation
from drillctl.readiness.pagerduty import OnCall, PagerDuty
from drillctl.readiness.services import LiveSettings, Services

TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "readiness" / "matrix-live.md.tmpl"
TOKEN = "u+pd-rest-key"
PAGE = {"limit": 25, "offset": 0, "more": False, "total": None}


def entry(schedule: str | None, user: str, level: int) -> dict[str, Any]:
    return {
        "user": {"id": "PXXXXXX", "type": "user_reference", "summary": user},
        "schedule": None
        if schedule is None
        else {"id": schedule, "type": "schedule_reference", "summary": "rota"},
        "escalation_policy": {
            "id": "PT20YPB",
            "type": "escalation_policy_reference",
            "summary": "Eng",
        },
        "escalation_level": level,
        "start": None if schedule is None else "2026-01-01T08:00:00Z",
        "end": None if schedule is None else "2026-01-02T08:00:00Z",
    }


def pd_error(status: int, code: int, message: str, *errors: str) -> Response:
    body = {"error": {"code": code, "message": message, "errors": list(errors)}}
    return Response(json.dumps(body), status=status, content_type="application/json")


def ok(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


@pytest.fixture
def matrix(httpserver: HTTPServer, tmp_path: Path) -> Path:
    httpserver.expect_request("/room").respond_with_data("")
    room = httpserver.url_for("/room")
    path = tmp_path / "matrix.md"
    path.write_text(TEMPLATE.read_text().format(bridge1=room, bridge3=room))
    return path


def live(server: HTTPServer, **kw: Any) -> LiveSettings:
    return LiveSettings(
        pagerduty_token=TOKEN,
        pagerduty_api_url=server.url_for("/pd"),
        pagerduty_events_url=server.url_for("/events"),
        bridge_timeout=2,
        **kw,
    )


def check(
    path: Path, settings: LiveSettings, clock: FakeClock | None = None, ping: bool = False
) -> EscalationResult:
    async def main() -> EscalationResult:
        async with httpx.AsyncClient() as client:
            services = Services.build(client, clock or FakeClock(), settings)
            return await check_escalation(path, services, ping=ping)

    return asyncio.run(main())


def findings(result: EscalationResult, *codes: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.level, f.message) for f in result.findings if f.code in codes]


def test_oncalls_sends_the_documented_request_and_follows_more(httpserver: HTTPServer) -> None:
    seen: list[Request] = []

    def oncalls(request: Request) -> Response:
        seen.append(request)
        if request.args["offset"] == "0":
            page = [entry("PI7DH85", "Tim Wright", 2), entry(None, "Permanent Pat", 1)]
            return ok({**PAGE, "oncalls": page, "more": True, "limit": 2})
        return ok({**PAGE, "oncalls": [entry("PT20YPA", "Ann Lee", 1)], "offset": 2})

    httpserver.expect_request("/pd/oncalls", method="GET").respond_with_handler(oncalls)

    async def main() -> list[OnCall]:
        async with httpx.AsyncClient() as client:
            pd = PagerDuty(client, FakeClock(), TOKEN, httpserver.url_for("/pd"))
            return await pd.oncalls(["PI7DH85", "PT20YPA", "PI7DH85"])

    assert asyncio.run(main()) == [
        OnCall("PI7DH85", "Tim Wright", 2),
        OnCall("PT20YPA", "Ann Lee", 1),
    ]
    assert [r.args["offset"] for r in seen] == ["0", "2"]
    first = seen[0]
    assert first.headers["Authorization"] == f"Token token={TOKEN}"
    assert first.headers["Accept"] == "application/vnd.pagerduty+json;version=2"
    assert first.args.getlist("schedule_ids[]") == ["PI7DH85", "PT20YPA"]


def test_a_schedule_with_nobody_on_call_now_is_a_blocker(
    httpserver: HTTPServer, matrix: Path
) -> None:
    page = [
        entry("PI7DH85", "Tim Wright", 1),
        entry("PT20YPA", "Ann Lee", 2),
        entry(None, "Pat", 1),
    ]
    httpserver.expect_request("/pd/oncalls").respond_with_json({**PAGE, "oncalls": page})
    result = check(matrix, live(httpserver))
    assert findings(result, "on-call", "nobody-on-call") == [
        (5, "note", "Tier 1: on call now on PI7DH85: Tim Wright (level 1)"),
        (6, "note", "Tier 2: on call now on PT20YPA: Ann Lee (level 2)"),
        (7, "blocker", "Tier 3: nobody is on call now on PagerDuty schedule PV3ND0R"),
    ]
    assert not result.clean


def test_a_schedule_null_entry_does_not_count_as_the_schedule(
    httpserver: HTTPServer, matrix: Path
) -> None:
    httpserver.expect_request("/pd/oncalls").respond_with_json(
        {**PAGE, "oncalls": [entry(None, "Pat", 1)]}
    )
    result = check(matrix, live(httpserver))
    assert [line for line, level, _ in findings(result, "nobody-on-call")] == [5, 6, 7]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            pd_error(401, 2006, "Invalid Credentials", "Invalid Credentials"),
            "HTTP 401: Invalid Credentials (code 2006): Invalid Credentials",
        ),
        (pd_error(403, 2010, "Access Denied"), "HTTP 403: Access Denied (code 2010)"),
        (
            pd_error(400, 2001, "Invalid Input Provided", "Schedule Ids must be an array of ids."),
            "HTTP 400: Invalid Input Provided (code 2001): Schedule Ids must be an array of ids.",
        ),
    ],
)
def test_refusals_are_one_blocker_at_the_header(
    httpserver: HTTPServer, matrix: Path, response: Response, message: str
) -> None:
    httpserver.expect_request("/pd/oncalls").respond_with_response(response)
    result = check(matrix, live(httpserver))
    assert findings(result, "pagerduty-error") == [
        (3, "blocker", f"cannot verify who is on call: PagerDuty: {message}")
    ]


def test_429_waits_retry_after_then_retries(httpserver: HTTPServer, matrix: Path) -> None:
    page = [entry(s, "Tim Wright", 1) for s in ("PI7DH85", "PT20YPA", "PV3ND0R")]
    calls: list[int] = []

    def oncalls(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            limited = pd_error(429, 2020, "Rate Limit Exceeded")
            limited.headers["Retry-After"] = "7"
            return limited
        return ok({**PAGE, "oncalls": page})

    httpserver.expect_request("/pd/oncalls").respond_with_handler(oncalls)
    clock = FakeClock()
    start = clock.monotonic()
    result = check(matrix, live(httpserver), clock)
    assert result.clean, result.findings
    assert (len(calls), clock.monotonic() - start) == (2, 7)


def test_429_that_never_ends_is_a_blocker(httpserver: HTTPServer, matrix: Path) -> None:
    httpserver.expect_request("/pd/oncalls").respond_with_response(
        pd_error(429, 2020, "Rate Limit Exceeded")
    )
    result = check(matrix, live(httpserver))
    assert findings(result, "pagerduty-error") == [
        (
            3,
            "blocker",
            "cannot verify who is on call: PagerDuty: HTTP 429: Rate Limit Exceeded (code 2020)",
        )
    ]


def _everyone_on_call(httpserver: HTTPServer) -> None:
    page = [entry(s, "Tim Wright", 1) for s in ("PI7DH85", "PT20YPA", "PV3ND0R")]
    httpserver.expect_request("/pd/oncalls").respond_with_json({**PAGE, "oncalls": page})


def test_ping_triggers_a_test_event_waits_for_the_ack_and_resolves(
    httpserver: HTTPServer, matrix: Path
) -> None:
    _everyone_on_call(httpserver)
    events: list[dict[str, Any]] = []

    def enqueue(request: Request) -> Response:
        events.append(request.get_json())
        return ok(
            {
                "status": "success",
                "message": "Event processed",
                "dedup_key": events[-1]["dedup_key"],
            },
            202,
        )

    polls: list[str] = []

    def incidents(request: Request) -> Response:
        polls.append(request.args["incident_key"])
        if len(polls) < 3:
            return ok({"incidents": [{"id": "Q1", "status": "triggered", "acknowledgements": []}]})
        ack = {"at": "2026-01-01T12:00:10Z", "acknowledger": {"id": "PU1", "summary": "Tim Wright"}}
        return ok(
            {"incidents": [{"id": "Q1", "status": "acknowledged", "acknowledgements": [ack]}]}
        )

    httpserver.expect_request("/events/v2/enqueue", method="POST").respond_with_handler(enqueue)
    httpserver.expect_request("/pd/incidents").respond_with_handler(incidents)
    clock = FakeClock()
    result = check(
        matrix,
        live(httpserver, pagerduty_routing_key="R0UT1NGKEY", poll_interval=5),
        clock,
        ping=True,
    )
    assert findings(result, "acknowledged", "no-ack") == [
        (
            3,
            "note",
            "PagerDuty test incident: acknowledged by Tim Wright at 2026-01-01T12:00:10Z"
            " (acknowledged)",
        )
    ]
    assert [e["event_action"] for e in events] == ["trigger", "resolve"]
    trigger = events[0]
    assert trigger["routing_key"] == "R0UT1NGKEY" and trigger["payload"]["severity"] == "info"
    assert polls == [trigger["dedup_key"]] * 3 and events[1]["dedup_key"] == trigger["dedup_key"]
    assert [(a.who, a.how) for a in result.acks] == [("Tim Wright", "acknowledged")]


def test_ping_without_an_ack_in_time_is_a_blocker(httpserver: HTTPServer, matrix: Path) -> None:
    _everyone_on_call(httpserver)
    httpserver.expect_request("/events/v2/enqueue").respond_with_json(
        {"status": "success", "dedup_key": "k"}, 202
    )
    httpserver.expect_request("/pd/incidents").respond_with_json({"incidents": []})
    clock = FakeClock()
    start = clock.monotonic()
    settings = live(
        httpserver, pagerduty_routing_key="R0UT1NGKEY", ack_timeout=60, poll_interval=10
    )
    result = check(matrix, settings, clock, ping=True)
    assert findings(result, "no-ack") == [
        (3, "blocker", "PagerDuty test incident: nobody acknowledged the test within 60s")
    ]
    assert clock.monotonic() - start == 60


def test_ping_refused_by_the_events_api(httpserver: HTTPServer, matrix: Path) -> None:
    _everyone_on_call(httpserver)
    invalid = {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": ["bad key"],
    }
    httpserver.expect_request("/events/v2/enqueue").respond_with_json(invalid, 400)
    result = check(matrix, live(httpserver, pagerduty_routing_key="nope"), ping=True)
    assert findings(result, "ping-failed") == [
        (3, "blocker", "PagerDuty test event failed: HTTP 400: Event object is invalid: bad key")
    ]


def test_ping_without_a_routing_key_says_what_is_missing(
    httpserver: HTTPServer, matrix: Path
) -> None:
    _everyone_on_call(httpserver)
    result = check(matrix, live(httpserver), ping=True)
    assert findings(result, "not-pinged") == [
        (
            3,
            "note",
            "PagerDuty not pinged: needs a token and a routing key"
            " (DRILLCTL_PAGERDUTY_ROUTING_KEY)",
        )
    ]
