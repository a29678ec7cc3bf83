from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from conftest import FIXTURES, REPO, Invoke
from pytest_httpserver import HTTPServer

from drillctl.config import NotifyConfig
from drillctl.core.clock import FakeClock
from drillctl.readiness.escalation import check_static, contact_problem, split_contacts
from drillctl.readiness.escalation_live import EscalationResult, bridge_problem, check_escalation
from drillctl.readiness.services import LiveSettings, Services, live_settings

EXAMPLE = REPO / "examples" / "escalation-matrix.md"


def _located(path: Path) -> list[tuple[int, str, str]]:
    _, found = check_static(path)
    return [(f.line, f.code, f.message) for f in found]


def live_matrix(tmp_path: Path, **urls: str) -> Path:
    text = (FIXTURES / "matrix-live.md.tmpl").read_text().format(**urls)
    path = tmp_path / "matrix.md"
    path.write_text(text)
    return path


def check(path: Path, live: LiveSettings | None = None, **kw: bool) -> EscalationResult:
    async def main() -> EscalationResult:
        async with httpx.AsyncClient() as client:
            services = Services.build(client, FakeClock(), live or LiveSettings(bridge_timeout=2))
            return await check_escalation(path, services, **kw)

    return asyncio.run(main())


def test_the_example_matrix_has_no_static_blocker() -> None:
    matrix, found = check_static(EXAMPLE)
    assert found == []
    assert matrix is not None and [t.number for t in matrix.tiers] == [1, 2, 3]
    tier3 = matrix.tiers[2]
    assert (tier3.schedule_id(), tier3.channel_id(), tier3.channel_name()) == (
        "PV3ND0R",
        "C0789IJKL3",
        "#ebit-vendor-redis",
    )


def test_every_defect_of_the_bad_matrix_is_found_on_its_row() -> None:
    assert _located(FIXTURES / "matrix-bad.md") == [
        (3, "missing-tier", "no Tier 3 row (the path to the vendor team)"),
        (5, "bad-contact", "Tier 1: contacts: 'dana.kim@ebit' is not a valid email address"),
        (
            5,
            "bad-contact",
            "Tier 1: contacts: phone number '020 7946 0101' needs its country code (+44 …)",
        ),
        (6, "placeholder", "Tier 2: severity is {{TBD}}"),
        (6, "empty-cell", "Tier 2: names is empty"),
        (6, "bad-contact", "Tier 2: contacts: '@@priya' is not a valid @handle"),
        (
            6,
            "bad-schedule",
            "Tier 2: PagerDuty schedule: no schedule id (like PI7DH85) in 'the platform rotation'",
        ),
        (
            6,
            "bad-channel",
            "Tier 2: Slack channel: 'ebit platform' is not a channel"
            " (#name or an id like C0123ABCD)",
        ),
        (
            6,
            "bad-bridge",
            "Tier 2: bridge URL: 'meet.ebit.example/room' is not an http(s) URL: "
            "the scheme must be http or https",
        ),
    ]


def test_missing_columns_are_reported_at_the_header() -> None:
    assert _located(FIXTURES / "matrix-missing-columns.md") == [
        (5, "missing-column", "no severity column"),
        (5, "missing-column", "no Slack channel column"),
        (5, "missing-column", "no bridge URL column"),
    ]


def test_a_file_without_a_matrix_table() -> None:
    assert _located(FIXTURES / "matrix-no-table.md") == [
        (1, "no-matrix", "no escalation matrix: a table whose header has a 'Tier' column")
    ]


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("dana@ebit.example", None),
        ("mailto:dana@ebit.example", None),
        ("+44 20 7946 0101", None),
        ("tel:+1-415-555-0199", None),
        ("@dana.kim", None),
        ("https://support.vendor.example/new", None),
        ("dana@", "'dana@' is not a valid email address"),
        ("+44 12", "'+44 12' is not a valid phone number"),
        ("555-0199", "phone number '555-0199' needs its country code (+44 …)"),
        ("@", "'@' is not a valid @handle"),
        ("the desk", "'the desk' is not a contact (email, +phone, @handle or URL)"),
    ],
)
def test_contact_formats(item: str, problem: str | None) -> None:
    assert contact_problem(item) == problem


def test_contacts_split_on_commas_semicolons_and_breaks() -> None:
    assert split_contacts("a@b.io, `+44 20 7946 0101`;<br>[desk](mailto:d@b.io)") == [
        "a@b.io",
        "+44 20 7946 0101",
        "mailto:d@b.io",
    ]


def test_bridge_answers_head_or_get(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok", method="HEAD").respond_with_data("")
    httpserver.expect_request("/no-head", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request("/no-head", method="GET").respond_with_data("room")
    httpserver.expect_request("/gone", method="HEAD").respond_with_data("", status=404)

    async def main() -> list[str | None]:
        async with httpx.AsyncClient() as client:
            paths = ["/ok", "/no-head", "/gone"]
            return [await bridge_problem(client, httpserver.url_for(p), 2) for p in paths]

    assert asyncio.run(main()) == [None, None, "answers HTTP 404"]


def test_a_bridge_that_does_not_answer_is_a_blocker_on_each_row_using_it(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/room", method="HEAD").respond_with_data("", status=503)
    httpserver.expect_request("/vendor", method="HEAD").respond_with_data("")
    path = live_matrix(
        tmp_path, bridge1=httpserver.url_for("/room"), bridge3=httpserver.url_for("/vendor")
    )
    result = check(path)
    assert not result.clean
    blockers = [(f.line, f.message) for f in result.findings if f.level == "blocker"]
    room = httpserver.url_for("/room")
    assert blockers == [
        (5, f"Tier 1: bridge {room} answers HTTP 503"),
        (6, f"Tier 2: bridge {room} answers HTTP 503"),
    ]
    notes = [f.message for f in result.findings if f.level == "note"]
    assert notes == [
        "PagerDuty schedules not verified: no token (notify.pagerduty_token)",
        "Slack channels not verified: no token (notify.slack_token)",
    ]


def test_a_bridge_that_times_out(tmp_path: Path) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    async def main() -> str | None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as client:
            return await bridge_problem(client, "https://meet.example/room", 1.5)

    assert asyncio.run(main()) == "did not answer within 1.5s"


def test_offline_skips_the_network_and_says_so() -> None:
    result = check(EXAMPLE, offline=True)
    assert result.clean
    assert [(f.line, f.level, f.code) for f in result.findings] == [(8, "note", "offline")]


def test_live_settings_take_tokens_from_settings_and_urls_from_env() -> None:
    notify = NotifyConfig(pagerduty_token="pd-token", slack_token="xoxb-1")
    env = {
        "DRILLCTL_PAGERDUTY_API_URL": "http://127.0.0.1:1",
        "DRILLCTL_SLACK_API_URL": "http://127.0.0.1:2",
    }
    live = live_settings(notify, env, ack_timeout=60.0)
    assert (live.pagerduty_token, live.slack_token, live.ack_timeout) == (
        "pd-token",
        "xoxb-1",
        60.0,
    )
    assert (live.pagerduty_api_url, live.slack_api_url) == (
        "http://127.0.0.1:1",
        "http://127.0.0.1:2",
    )
    assert live.pagerduty_events_url == "https://events.pagerduty.com"


def test_cli_lists_blockers_and_exits_1(cli: Invoke) -> None:
    result = cli("escalation", "check", FIXTURES / "matrix-bad.md", "--offline")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        lines[0] == f"{FIXTURES / 'matrix-bad.md'}:3: no Tier 3 row (the path to the vendor team)"
    )
    assert lines[-1] == "NO-GO: 9 blockers"


def test_cli_on_the_example_offline_is_a_go(cli: Invoke, context) -> None:
    result = cli("escalation", "check", EXAMPLE, "--offline", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["schema_version"], body["clean"], body["offline"]) == (1, True, True)
    assert body["kind"] == "drillctl.escalation-check"
    assert not (
        context.state_dir / "escalation-checks.jsonl"
    ).exists()  # offline checks are not logged


def test_cli_logs_networked_checks(
    cli: Invoke, context, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/room").respond_with_data("")
    path = live_matrix(
        tmp_path, bridge1=httpserver.url_for("/room"), bridge3=httpserver.url_for("/room")
    )
    result = cli("escalation", "check", path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "GO: nothing blocks"
    (record,) = [
        json.loads(line)
        for line in (context.state_dir / "escalation-checks.jsonl").read_text().splitlines()
    ]
    assert (record["clean"], record["blockers"], record["acks"]) == (True, [], [])
