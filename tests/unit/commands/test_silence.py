"""[drill] silence against a local fake Alertmanager answering like the real API v2.

The answers follow prometheus/alertmanager api/v2/openapi.yaml (commit 07d03b6c2c7e747335198f07d
382060721dd2831): POST /api/v2/silences -> 200 ``{"silenceID": "..."}`` or 400 with a JSON string
(responses.BadRequest: ``type: string``); DELETE /api/v2/silence/{silenceID} -> 200 with no body,
500 with a JSON string (InternalServerError) -- the real server's answer to expiring an expired
silence, ``"silence <id> already expired"``, which counts as done.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from engine_fakes import rig, spike
from pytest_httpserver import HTTPServer

from drillctl.commands.silence import (
    Held,
    SilenceRequest,
    drill_silence,
    expire_left,
    left_silences,
)
from drillctl.config import load_settings
from drillctl.core.errors import ConfigError
from drillctl.core.events import SilenceCreated
from drillctl.core.journal import Journal, read_events
from drillctl.core.matchers import matches, parse_matcher

SID = "3b0e7a4c-6f64-4a28-9c1e-0d0c3f5b9a11"


def _request(url: str) -> SilenceRequest:
    return SilenceRequest(url, ['env="shared"', 'alertname=~"Ebit.*"'], "r1", timedelta(minutes=30))


def _accepts(am: HTTPServer) -> None:
    am.expect_request("/api/v2/silences", method="POST").respond_with_json({"silenceID": SID})
    am.expect_request(f"/api/v2/silence/{SID}", method="DELETE").respond_with_data("", status=200)


def _drill(tmp_path: Path, am: HTTPServer) -> tuple[object, Held]:
    r = rig(tmp_path, spike(8, 30))
    held = Held()

    async def run() -> object:
        async with httpx.AsyncClient() as client:
            hook = drill_silence(_request(am.url_for("/")), client, r.journal, r.clock, held)
            r.engine.profile = hook
            return await r.engine.run()

    return r, asyncio.run(run())


def test_the_silence_is_held_from_before_the_baseline_until_after_the_revert(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    _accepts(httpserver)
    r, outcome = _drill(tmp_path, httpserver)
    assert outcome.exit_code == 0, outcome.reason
    types = r.types()
    order = ["silence.created", "fault.inject-started", "fault.reverted", "silence.expired"]
    assert [t for t in types if t in order] == order
    baseline = next(
        i for i, e in enumerate(r.journal.events) if getattr(e, "phase", None) == "baseline"
    )
    assert types.index("silence.created") < baseline  # held before the baseline: before injecting
    created = r.of("silence.created")[0]
    assert created["id"] == SID and created["matchers"][1] == {
        "name": "alertname",
        "value": "Ebit.*",
        "isRegex": True,
        "isEqual": True,
    }
    posted = json.loads(httpserver.log[0][0].get_data())
    assert posted["matchers"] == created["matchers"] and posted["createdBy"] == "drillctl"
    assert posted["endsAt"] == created["ends_at"]
    assert r.of("silence.expired") == [{"id": SID}]
    assert [req.method for req, _ in httpserver.log] == ["POST", "DELETE"]


def test_a_silence_alertmanager_refuses_injects_nothing_and_exits_2(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/api/v2/silences", method="POST").respond_with_data(
        json.dumps("silence invalid: at least one matcher must not match the empty string"),
        status=400,
        content_type="application/json",
    )
    r, outcome = _drill(tmp_path, httpserver)
    assert outcome.exit_code == 2
    assert outcome.reason.startswith("cannot create the silence: HTTP 400: ")
    assert "must not match the empty string" in outcome.reason
    assert not any(t.startswith("fault.") for t in r.types())
    assert r.faults.reverts in ([], ["engine"])  # nothing was injected to revert
    assert not r.faults.injected_now


def test_an_unreachable_alertmanager_injects_nothing(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30))

    async def run() -> object:
        async with httpx.AsyncClient() as client:
            request = _request("http://127.0.0.1:9")  # discard port: connection refused
            r.engine.profile = drill_silence(request, client, r.journal, r.clock, Held())
            return await r.engine.run()

    outcome = asyncio.run(run())
    assert outcome.exit_code == 2 and "cannot create the silence: POST " in outcome.reason
    assert "fault.inject-started" not in r.types()


def test_ctrl_c_inside_the_window_still_expires_the_silence(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    _accepts(httpserver)
    journal = Journal(tmp_path / "journal.jsonl")
    held = Held()

    async def interrupted() -> None:
        async with httpx.AsyncClient() as client:
            hook = drill_silence(_request(httpserver.url_for("/")), client, journal, _Clock(), held)
            async with hook():
                assert held.covers({"env": "shared", "alertname": "EbitApiDown"})
                raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(interrupted())
    assert [e.type for e in read_events(journal.path)] == ["silence.created", "silence.expired"]
    assert not held.covers({"env": "shared", "alertname": "EbitApiDown"})


def test_recover_expires_what_a_killed_run_left_and_only_that(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    url = httpserver.url_for("/")
    killed, clean = tmp_path / "runs" / "killed", tmp_path / "runs" / "clean"
    with Journal(killed / "journal.jsonl") as journal:
        journal.append(SilenceCreated(id=SID, url=url, matchers=[], ends_at="2026-12-07T16:00Z"))
    with Journal(clean / "journal.jsonl") as journal:
        journal.append(SilenceCreated(id="other", url=url, matchers=[], ends_at="x"))
        journal.append("silence.expired", id="other")
    left = left_silences([killed, clean])
    assert [(s.run_dir, s.id) for s in left] == [(killed, SID)]
    # the real Alertmanager's answer when the silence already ended by itself: done all the same
    httpserver.expect_request(f"/api/v2/silence/{SID}", method="DELETE").respond_with_data(
        json.dumps(f"silence {SID} already expired"), status=500
    )
    said: list[str] = []
    assert asyncio.run(expire_left(left, _Clock(), said.append)) == 0
    assert said == [f"run killed: silence {SID} expired"]
    assert left_silences([killed, clean]) == []


def test_recover_keeps_a_silence_alertmanager_would_not_expire(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    run = tmp_path / "runs" / "killed"
    with Journal(run / "journal.jsonl") as journal:
        journal.append(SilenceCreated(id=SID, url=httpserver.url_for("/"), ends_at="x"))
    httpserver.expect_request(f"/api/v2/silence/{SID}", method="DELETE").respond_with_data(
        json.dumps("cluster not ready"), status=500
    )
    assert asyncio.run(expire_left(left_silences([run]), _Clock(), lambda _t: None)) == 1
    assert [s.id for s in left_silences([run])] == [SID]  # recover will try again
    assert "cluster not ready" in read_events(run / "journal.jsonl")[-1].error  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "matcher"),
    [
        ('env="shared"', {"name": "env", "value": "shared", "isRegex": False, "isEqual": True}),
        ("env!=lab", {"name": "env", "value": "lab", "isRegex": False, "isEqual": False}),
        ('a=~"x|y"', {"name": "a", "value": "x|y", "isRegex": True, "isEqual": True}),
        (' a !~ "q\\"" ', {"name": "a", "value": 'q"', "isRegex": True, "isEqual": False}),
    ],
)
def test_matchers_read_as_alertmanager_writes_them(text: str, matcher: dict) -> None:
    assert parse_matcher(text) == matcher


def test_matching_is_anchored_and_a_missing_label_is_empty() -> None:
    regex = parse_matcher('alertname=~"Ebit.*"')
    assert matches(regex, {"alertname": "EbitApiDown"})
    assert not matches(regex, {"alertname": "XEbitApiDown"})
    assert matches(parse_matcher('team!="db"'), {})
    assert not matches(parse_matcher('team="db"'), {})


def test_a_bad_matcher_is_a_located_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "drillctl.toml"
    config.write_text("[drill]\nsilence = [\n  'env=\"shared\"',\n  'alertname~Ebit',\n]\n")
    with pytest.raises(ConfigError) as error:
        load_settings(config_path=config, env={}, cwd=tmp_path)
    assert str(error.value).startswith(f"{config}:2:1: drill.silence.1: ")  # the key's line
    assert "'alertname~Ebit' is not a matcher like name=\"value\"" in str(error.value)
    bad_regex = tmp_path / "regex.toml"
    bad_regex.write_text("[drill]\nsilence = ['a=~\"(\"']\n")
    with pytest.raises(ConfigError, match="the regex does not compile"):
        load_settings(config_path=bad_regex, env={}, cwd=tmp_path)


def test_the_environment_gives_matchers_comma_separated(tmp_path: Path) -> None:
    env = {"DRILLCTL_DRILL_SILENCE": 'env="shared",alertname=~"Ebit.*"'}
    settings = load_settings(env=env, cwd=tmp_path)
    assert settings.drill.silence == ['env="shared"', 'alertname=~"Ebit.*"']
    with pytest.raises(ConfigError) as error:
        load_settings(env={"DRILLCTL_DRILL_SILENCE": "env"}, cwd=tmp_path)
    assert str(error.value).startswith("environment: drill.silence.0: 'env' is not a matcher")
    assert "(from DRILLCTL_DRILL_SILENCE)" in str(error.value)


class _Clock:
    def now(self):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime

        return datetime(2026, 12, 7, 15, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return 0.0


def test_the_report_says_which_alerts_fired_while_silenced() -> None:
    from datetime import UTC, datetime

    from drillctl.core.events import Alert, AlertState
    from drillctl.report.facts import alerts

    at = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    events = [
        Alert(name="EbitApiDown", state=AlertState.FIRING, silenced=True, ts=at),
        Alert(name="Other", state=AlertState.FIRING, ts=at),
    ]
    found = {a.name: a for a in alerts(events, at)}
    assert found["EbitApiDown"].silenced and not found["Other"].silenced
    assert "silenced" not in found["EbitApiDown"].model_dump(mode="json")  # report.json pinned
