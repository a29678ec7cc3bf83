"""Slack Web API against a local fake answering as api-contracts.md §6 documents: HTTP 200 with
`ok: false` and an error code is a failure, 429 carries `Retry-After`, auth is
`Authorization: Bearer xoxb-…`; `conversations.info` for the channel check, `chat.postMessage`
plus the message's thread and reactions for --ping."""

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
from drillctl.readiness.services import LiveSettings, Services

TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "readiness" / "matrix-live.md.tmpl"
TOKEN = "xoxb-test-token"
CHANNELS = {
    "C0123ABCD1": "ebit-incidents",
    "C0456EFGH2": "ebit-platform",
    "C0789IJKL3": "ebit-vendor",
}
POSTED_TS = "1767268800.000100"  # 2026-01-01T12:00:00Z


def info(channel_id: str, archived: bool = False) -> dict[str, Any]:
    name = CHANNELS[channel_id]
    return {"ok": True, "channel": {"id": channel_id, "name": name, "is_archived": archived}}


@pytest.fixture
def matrix(httpserver: HTTPServer, tmp_path: Path) -> Path:
    httpserver.expect_request("/room").respond_with_data("")
    room = httpserver.url_for("/room")
    path = tmp_path / "matrix.md"
    path.write_text(TEMPLATE.read_text().format(bridge1=room, bridge3=room))
    return path


def live(server: HTTPServer, **kw: Any) -> LiveSettings:
    return LiveSettings(
        slack_token=TOKEN, slack_api_url=server.url_for("/api"), bridge_timeout=2, **kw
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


def channels_exist(server: HTTPServer, **overrides: dict[str, Any]) -> list[Request]:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        channel = request.args["channel"]
        body = overrides.get(channel) or info(channel)
        return Response(json.dumps(body), content_type="application/json")

    server.expect_request("/api/conversations.info", method="GET").respond_with_handler(handler)
    return seen


def test_existing_channels_pass_with_the_documented_request(
    httpserver: HTTPServer, matrix: Path
) -> None:
    seen = channels_exist(httpserver)
    result = check(matrix, live(httpserver))
    assert findings(result, "channel-error", "channel-archived", "channel-unverified") == []
    assert sorted(r.args["channel"] for r in seen) == sorted(CHANNELS)
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in seen)


def test_ok_false_is_a_blocker_with_slacks_error_code(httpserver: HTTPServer, matrix: Path) -> None:
    channels_exist(httpserver, C0456EFGH2={"ok": False, "error": "channel_not_found"})
    result = check(matrix, live(httpserver))
    assert findings(result, "channel-error") == [
        (
            6,
            "blocker",
            "Tier 2: Slack channel #ebit-platform (C0456EFGH2):"
            " conversations.info: channel_not_found",
        )
    ]


def test_an_archived_channel_is_a_blocker(httpserver: HTTPServer, matrix: Path) -> None:
    channels_exist(httpserver, C0789IJKL3=info("C0789IJKL3", archived=True))
    result = check(matrix, live(httpserver))
    assert findings(result, "channel-archived") == [
        (7, "blocker", "Tier 3: Slack channel #ebit-vendor (C0789IJKL3) is archived")
    ]


def test_a_bad_token_blocks_every_channel(httpserver: HTTPServer, matrix: Path) -> None:
    httpserver.expect_request("/api/conversations.info").respond_with_json(
        {"ok": False, "error": "invalid_auth"}
    )
    result = check(matrix, live(httpserver))
    assert [
        (line, message.rsplit(": ", 1)[1]) for line, _, message in findings(result, "channel-error")
    ] == [
        (5, "invalid_auth"),
        (6, "invalid_auth"),
        (7, "invalid_auth"),
    ]


def test_429_waits_retry_after(httpserver: HTTPServer, matrix: Path) -> None:
    calls: list[str] = []

    def handler(request: Request) -> Response:
        calls.append(request.args["channel"])
        if len(calls) == 1:
            return Response("", status=429, headers={"Retry-After": "3"})
        return Response(json.dumps(info(request.args["channel"])), content_type="application/json")

    httpserver.expect_request("/api/conversations.info").respond_with_handler(handler)
    clock = FakeClock()
    start = clock.monotonic()
    result = check(matrix, live(httpserver), clock)
    assert result.clean, result.findings
    assert (len(calls), clock.monotonic() - start) == (4, 3)


def test_a_server_error_is_a_blocker(httpserver: HTTPServer, matrix: Path) -> None:
    httpserver.expect_request("/api/conversations.info").respond_with_data(
        "rollup_error", status=500
    )
    result = check(matrix, live(httpserver))
    assert findings(result, "channel-error")[0] == (
        5,
        "blocker",
        "Tier 1: Slack channel #ebit-incidents (C0123ABCD1):"
        " conversations.info: HTTP 500 rollup_error",
    )


def test_a_channel_named_without_its_id_cannot_be_verified(
    httpserver: HTTPServer, matrix: Path
) -> None:
    matrix.write_text(matrix.read_text().replace("#ebit-platform (C0456EFGH2)", "#ebit-platform"))
    channels_exist(httpserver)
    result = check(matrix, live(httpserver))
    assert findings(result, "channel-unverified") == [
        (
            6,
            "blocker",
            "Tier 2: Slack channel #ebit-platform cannot be verified:"
            " write its id too, e.g. '#name (C0123ABCD)'",
        )
    ]


def _posts(
    server: HTTPServer, posted: list[dict[str, Any]], fail: dict[str, str] | None = None
) -> None:
    def post(request: Request) -> Response:
        body = request.get_json()
        posted.append(
            {
                "auth": request.headers["Authorization"],
                "ctype": request.headers["Content-Type"],
                **body,
            }
        )
        error = (fail or {}).get(body["channel"])
        reply = (
            {"ok": False, "error": error}
            if error
            else {"ok": True, "channel": body["channel"], "ts": POSTED_TS}
        )
        return Response(json.dumps(reply), content_type="application/json")

    server.expect_request("/api/chat.postMessage", method="POST").respond_with_handler(post)


def test_ping_records_who_replied_first_and_when(httpserver: HTTPServer, matrix: Path) -> None:
    channels_exist(httpserver)
    posted: list[dict[str, Any]] = []
    _posts(httpserver, posted)
    polls: list[str] = []

    def replies(request: Request) -> Response:
        polls.append(request.args["channel"])
        parent = {"ts": POSTED_TS, "bot_id": "B1", "text": "test"}
        thread = [parent]
        if polls.count(request.args["channel"]) >= 2:
            thread += [
                {"ts": "1767268815.000200", "user": "U0BOTUSER", "bot_id": "B2", "text": "auto"},
                {"ts": "1767268830.000300", "user": "U0PRIYA", "text": "ack"},
                {"ts": "1767268820.000250", "user": "U0DANA", "text": "got it"},
            ]
        return Response(
            json.dumps({"ok": True, "messages": thread}), content_type="application/json"
        )

    httpserver.expect_request("/api/conversations.replies").respond_with_handler(replies)
    httpserver.expect_request("/api/reactions.get").respond_with_json(
        {"ok": True, "message": {"reactions": []}}
    )
    result = check(matrix, live(httpserver, poll_interval=5), ping=True)
    assert findings(result, "acknowledged")[0] == (
        5,
        "note",
        "Tier 1: #ebit-incidents (C0123ABCD1):"
        " acknowledged by U0DANA at 2026-01-01T12:00:20.000250Z (reply)",
    )
    assert [(a.channel, a.who) for a in result.acks] == [
        ("#ebit-incidents (C0123ABCD1)", "U0DANA"),
        ("#ebit-platform (C0456EFGH2)", "U0DANA"),
        ("#ebit-vendor (C0789IJKL3)", "U0DANA"),
    ]
    assert sorted(p["channel"] for p in posted) == sorted(CHANNELS)
    assert (
        posted[0]["auth"] == f"Bearer {TOKEN}"
        and posted[0]["ctype"] == "application/json; charset=utf-8"
    )
    assert "test message for Tier" in posted[0]["text"]


def test_ping_takes_a_reaction_as_an_ack(httpserver: HTTPServer, matrix: Path) -> None:
    channels_exist(httpserver)
    _posts(httpserver, [])
    httpserver.expect_request("/api/conversations.replies").respond_with_json(
        {"ok": True, "messages": [{"ts": POSTED_TS, "bot_id": "B1"}]}
    )
    reaction = {"name": "white_check_mark", "users": ["U0TIM"], "count": 1}
    httpserver.expect_request("/api/reactions.get").respond_with_json(
        {"ok": True, "type": "message", "message": {"reactions": [reaction]}}
    )
    result = check(matrix, live(httpserver), ping=True)
    assert {(a.who, a.how) for a in result.acks} == {("U0TIM", "reaction :white_check_mark:")}
    assert result.clean


def test_ping_nobody_acknowledges_in_time(httpserver: HTTPServer, matrix: Path) -> None:
    channels_exist(httpserver)
    _posts(httpserver, [], fail={"C0789IJKL3": "not_in_channel"})
    httpserver.expect_request("/api/conversations.replies").respond_with_json(
        {"ok": True, "messages": [{"ts": POSTED_TS, "bot_id": "B1"}]}
    )
    httpserver.expect_request("/api/reactions.get").respond_with_json({"ok": True, "message": {}})
    clock = FakeClock()
    result = check(matrix, live(httpserver, ack_timeout=30, poll_interval=10), clock, ping=True)
    assert findings(result, "no-ack", "ping-failed") == [
        (
            5,
            "blocker",
            "Tier 1: #ebit-incidents (C0123ABCD1): nobody acknowledged the test within 30s",
        ),
        (
            6,
            "blocker",
            "Tier 2: #ebit-platform (C0456EFGH2): nobody acknowledged the test within 30s",
        ),
        (
            7,
            "blocker",
            "Tier 3: ping to #ebit-vendor (C0789IJKL3) failed: chat.postMessage: not_in_channel",
        ),
    ]
    assert result.acks == []
