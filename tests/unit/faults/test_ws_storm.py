from __future__ import annotations

import asyncio
import resource
import time

import pytest
from fault_helpers import fault, make_env
from sio_fake import free_port, gateway

from drillctl.core.errors import PreflightError
from drillctl.faults.wsclient import Pacer, StormConfig, percentiles_ms, storm


def test_accepted_and_refused_are_counted_with_the_reasons():
    with gateway(refuse_every=3) as gw:
        tally = asyncio.run(storm(StormConfig(url=gw.url, clients=5, count=30)))
    assert tally.total == 30
    assert tally.accepted == 20
    assert dict(tally.refused) == {"throttled": 10}
    assert not tally.errored
    assert len(tally.latencies) == 30


def test_the_auth_object_goes_with_the_namespace_connect():
    with gateway(refuse_every=0) as gw:
        asyncio.run(storm(StormConfig(url=gw.url, clients=1, count=2, auth={"token": "t0k"})))
    assert gw.auths == [{"token": "t0k"}, {"token": "t0k"}]


def test_a_refusal_before_the_upgrade_counts_with_its_http_status():
    with gateway(http_status=429) as gw:
        tally = asyncio.run(storm(StormConfig(url=gw.url, clients=2, count=4)))
    assert dict(tally.refused) == {"HTTP 429": 4}


def test_an_unreachable_gateway_is_errored_not_refused():
    tally = asyncio.run(
        storm(StormConfig(url=f"http://127.0.0.1:{free_port()}", clients=2, count=4))
    )
    assert tally.errored.total() == 4 and tally.accepted == 0


def test_the_pacer_sleeps_at_low_rates_instead_of_spinning():
    async def run() -> int:
        pacer = Pacer(StormConfig(url="http://x", clients=4, rate=20, duration_s=0.5))
        taken = 0

        async def loop() -> None:
            nonlocal taken
            while await pacer.take():
                taken += 1

        await asyncio.gather(*(loop() for _ in range(4)))
        return taken

    cpu0, wall0 = _cpu(), time.monotonic()
    taken = asyncio.run(run())
    assert 8 <= taken <= 12
    assert time.monotonic() - wall0 >= 0.45
    assert _cpu() - cpu0 < 0.1


def test_connect_packets_for_other_namespaces():
    assert StormConfig(url="http://h:1").connect_packet() == "40"
    assert StormConfig(url="http://h:1", namespace="/admin").connect_packet() == "40/admin,"
    assert StormConfig(url="http://h:1", auth={"a": 1}).connect_packet() == '40{"a":1}'
    assert (
        StormConfig(url="https://h:1").ws_url() == "wss://h:1/socket.io/?EIO=4&transport=websocket"
    )


def test_percentiles():
    assert percentiles_ms([0.001 * i for i in range(1, 101)])["p50"] == 51.0
    assert percentiles_ms([]) == {}


def test_a_storm_bounded_by_count_runs_in_its_own_process_and_reports(tmp_path):
    env = make_env(tmp_path)
    with gateway(refuse_every=4) as gw:
        plugin = fault({"type": "ws-storm", "url": gw.url, "clients": 4, "count": 40})
        asyncio.run(plugin.check(env))
        result = asyncio.run(plugin.inject(env))
    assert result["handshakes"] == 40
    assert result["accepted"] == 30 and result["refused_reasons"] == {"throttled": 10}
    assert set(result["latency_ms"]) == {"p50", "p90", "p95", "p99", "max"}


def test_a_storm_with_a_duration_is_stopped_by_the_revert(tmp_path):
    env = make_env(tmp_path)
    with gateway(refuse_every=0) as gw:
        plugin = fault(
            {"type": "ws-storm", "url": gw.url, "clients": 2, "duration": "60s", "rate": 50}
        )
        undo = plugin.undo()
        asyncio.run(plugin.inject(env))
        time.sleep(3.0)  # start-up is well under that, even on a loaded machine
        started = time.monotonic()
        summary = asyncio.run(type(plugin).revert(env, undo, {}))
        assert time.monotonic() - started < 5
    assert summary["accepted"] >= 1 and summary["errored"] == 0
    assert asyncio.run(type(plugin).revert(env, undo, {}))["skipped"]


def test_check_refuses_an_unreachable_gateway(tmp_path):
    plugin = fault({"type": "ws-storm", "url": f"http://127.0.0.1:{free_port()}", "count": 1})
    with pytest.raises(PreflightError, match="not reachable"):
        asyncio.run(plugin.check(make_env(tmp_path)))


def test_a_storm_must_end_by_itself():
    with pytest.raises(ValueError, match="duration"):
        fault({"type": "ws-storm", "url": "http://127.0.0.1:1"})


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_refusal_reasons_are_counted_by_their_reason_field():
    from drillctl.faults.wsclient import _reason

    assert _reason('44{"message":"throttled"}') == "throttled"
    dict_str = '{\'reason\': \'handshake throttled\', \'retry_after\': 0.2}'
    assert _reason('44{"message":"' + dict_str + '"}') == "handshake throttled"
    assert _reason('44{"message":"x","data":{"reason":"banned"}}') == "banned"
    assert _reason("44") == "refused"
