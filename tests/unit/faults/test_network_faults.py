"""Network and resource faults against the in-memory target: the helper's spec (rules tagged with
the run id), the undo journalled before the helper starts, the revert from the undo alone, the
sweep when the helper is gone, leftovers failing the revert, the measured effects, and the
preflight refusals."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from fault_helpers import drive, fault, make_env
from pydantic import ValidationError

from drillctl.core.errors import PreflightError, TargetError
from drillctl.core.events import FaultInjected, FaultReverted
from drillctl.engine.expectations import check_fault_effects
from drillctl.faults import _netns
from drillctl.faults.registry import all_params
from drillctl.target.memory import MemoryDriver, MemoryService

LAB = {s: MemoryService() for s in ("ebit-api", "ebit-postgres", "ebit-redis-cache")}


def driver() -> MemoryDriver:
    target = MemoryDriver({k: MemoryService() for k in LAB})
    target.service_addresses = {"ebit-postgres": ["10.0.0.5"], "ebit-redis-cache": ["10.0.0.6"]}
    return target


def run_spec(target: MemoryDriver) -> dict[str, Any]:
    """The JSON argument of the (one) holding helper started."""
    specs = [box["spec"] for box in target.helper_box.values() if box["spec"]["mode"] == "run"]
    if not specs:  # already removed: find it in the calls
        specs = [json.loads(c[2]) for c in target.calls if c[0] == "run_helper"]
        specs = [s for s in specs if s["mode"] == "run"]
    return specs[-1]


def test_latency_toward_a_peer_redirects_its_port_to_the_delaying_proxy(tmp_path: Path) -> None:
    target = driver()
    target.probe_answer = {"tcp": [{"target": "10.0.0.5:5432", "p50_ms": 1.0, "p95_ms": 2.0}]}
    raw = {
        "type": "network-latency",
        "service": "ebit-api",
        "delay": "200ms",
        "to": ["ebit-postgres"],
        "ports": [5432],
        "duration": "20s",
    }
    out = drive(make_env(tmp_path, target), raw)
    spec = run_spec(target)
    assert spec["tag"] == f"drillctl:r1:{out['undo']['token']}"
    assert spec["hold_s"] == 50.0  # 20s + the 30s dead-man margin
    assert spec["proxy"]["delay_ms"] == 200.0 and spec["proxy"]["mark"] == 0xD7
    rule = spec["rules"][0]
    assert rule[:6] == ["iptables", "-t", "nat", "-I", "OUTPUT", "1"]
    assert rule[8:12] == ["-d", "10.0.0.5", "--dport", "5432"]
    assert spec["tag"] in rule and rule[-3:] == [
        "REDIRECT",
        "--to-ports",
        str(spec["proxy"]["port"]),
    ]
    assert spec["kill"] == ["dst 10.0.0.5 dport = :5432"]
    assert out["result"]["mechanism"].startswith("tcp-proxy")
    # the probe answered the same before and after: no latency added, reported as such
    assert out["result"]["effect"]["measured"] is False
    assert out["reverted"] == {"undone_by": "SIGTERM", "left": []}
    assert target.helper_box == {}  # every helper removed


def test_latency_uses_netem_where_the_kernel_has_it_and_the_fault_is_not_narrowed(
    tmp_path: Path,
) -> None:
    target = driver()
    target.caps["netem"] = True
    raw = {
        "type": "network-latency",
        "service": "ebit-api",
        "delay": "100ms",
        "jitter": "10ms",
        "duration": "20s",
    }
    out = drive(make_env(tmp_path, target), raw)
    assert run_spec(target)["rules"] == [
        [
            "tc",
            "qdisc",
            "add",
            "dev",
            "eth0",
            "root",
            "handle",
            "d7:",
            "netem",
            "delay",
            "100ms",
            "10ms",
        ]
    ]
    assert out["result"]["mechanism"] == "netem"


def test_preflight_refuses_when_the_kernel_offers_no_mechanism(tmp_path: Path) -> None:
    target = driver()
    target.caps.update(redirect=False, statistic=False, tbf=False)
    cases = [
        ({"type": "network-latency", "delay": "1s"}, "neither netem nor iptables REDIRECT"),
        ({"type": "network-loss", "percent": 10}, "no statistic"),
        ({"type": "network-bandwidth", "rate": "1mbit"}, "no tbf"),
        ({"type": "network-dns", "host": "db"}, "no redirect"),
    ]
    for raw, message in cases:
        plugin = fault({**raw, "service": "ebit-api", "duration": "10s"})
        with pytest.raises(PreflightError, match=message):
            asyncio.run(plugin.check(make_env(tmp_path, target)))
    assert not [c for c in target.calls if c[0] == "run_helper" and '"run"' in c[2]]


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "network-latency", "delay": "1s", "to": ["nope"]},
        {"type": "network-partition", "peers": ["nope"]},
        {"type": "network-loss", "percent": 5, "to": ["nope"]},
    ],
)
def test_an_unknown_peer_is_a_preflight_error_naming_the_services(
    tmp_path: Path, raw: dict[str, Any]
) -> None:
    plugin = fault({**raw, "service": "ebit-api", "duration": "10s"})
    with pytest.raises(PreflightError, match=r"service 'nope' is not defined.*ebit-postgres"):
        asyncio.run(plugin.check(make_env(tmp_path, driver())))


def test_an_unknown_service_is_a_preflight_error(tmp_path: Path) -> None:
    plugin = fault({"type": "cpu-limit", "service": "ghost", "cpus": 1, "duration": "10s"})
    with pytest.raises(PreflightError, match="service 'ghost' is not defined"):
        asyncio.run(plugin.check(make_env(tmp_path, driver())))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"type": "network-loss", "percent": 0}, "greater than 0"),
        ({"type": "network-loss", "percent": 130}, "less than or equal to 100"),
        ({"type": "network-latency", "delay": "0ms"}, "between 1ms and 30s"),
        ({"type": "network-latency", "delay": "10ms", "jitter": "20ms"}, "jitter cannot exceed"),
        ({"type": "network-latency", "delay": "10ms", "ports": [70000]}, "between 1 and 65535"),
        ({"type": "network-bandwidth", "rate": "fast"}, "should match pattern"),
        ({"type": "network-dns", "host": "db", "address": "999.1.1.1"}, "IPv4"),
        ({"type": "cpu-limit", "cpus": 0}, "greater than or equal to 0.01"),
        ({"type": "memory-limit", "memory": "1m"}, "below the engine's minimum"),
        ({"type": "disk-fill", "path": "data"}, "absolute"),
        ({"type": "disk-fill", "path": "/data"}, "either size or percent"),
        ({"type": "disk-fill", "path": "/d", "size": "2g"}, "exceeds max_size 1g"),
    ],
)
def test_impossible_values_are_refused_by_the_model(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        all_params()[raw["type"]].model_validate({"service": "ebit-api", "duration": "10s", **raw})


def test_loss_rules_count_and_drop_both_ways_and_the_revert_reports_the_loss(
    tmp_path: Path,
) -> None:
    target = driver()
    raw = {"type": "network-loss", "service": "ebit-api", "percent": 30, "duration": "20s"}
    env = make_env(tmp_path, target)
    plugin = fault(raw)
    asyncio.run(plugin.check(env))
    undo = plugin.undo()
    result = asyncio.run(plugin.inject(env))
    tag = undo["tag"]
    rules = run_spec(target)["rules"]
    assert [r[2] for r in rules] == ["OUTPUT", "OUTPUT", "INPUT", "INPUT"]
    assert rules[1][-7:] == ["0.3", "-m", "comment", "--comment", f"{tag}:drop", "-j", "DROP"]
    target.helper_counters = {f"{tag}:seen": 200, f"{tag}:drop": 58}
    reverted = asyncio.run(type(plugin).revert(env, undo, result))
    assert reverted["effect"]["observed"] == 29.0
    assert reverted["effect"]["summary"] == "58 of 200 packets dropped (29.0%)"


def test_partition_from_a_peer_drops_one_direction_only_when_asked(tmp_path: Path) -> None:
    target = driver()
    raw = {
        "type": "network-partition",
        "service": "ebit-api",
        "peers": ["ebit-redis-cache"],
        "direction": "outbound",
        "duration": "20s",
    }
    out = drive(make_env(tmp_path, target), raw)
    rules = run_spec(target)["rules"]
    assert len(rules) == 1 and rules[0][:6] == ["iptables", "-I", "OUTPUT", "1", "-d", "10.0.0.6"]
    assert out["reverted"]["effect"] == {
        "measured": False,
        "summary": "no packet was dropped: nothing crossed the partition",
    }


def test_an_isolated_service_keeps_its_loopback(tmp_path: Path) -> None:
    target = driver()
    drive(
        make_env(tmp_path, target),
        {"type": "network-partition", "service": "ebit-api", "duration": "5s"},
    )
    rules = run_spec(target)["rules"]
    assert [r[2] for r in rules] == ["OUTPUT", "INPUT"]
    assert rules[0][4:7] == ["!", "-o", "lo"] and rules[1][4:7] == ["!", "-i", "lo"]


def test_dns_redirects_the_embedded_resolver_and_measures_the_answer(tmp_path: Path) -> None:
    target = driver()
    target.probe_answer = {"tcp": [], "resolve": [{"name": "db", "addresses": ["10.9.9.9"]}]}
    raw = {
        "type": "network-dns",
        "service": "ebit-api",
        "host": "db",
        "address": "10.9.9.9",
        "duration": "20s",
    }
    out = drive(make_env(tmp_path, target), raw)
    spec = run_spec(target)
    assert spec["dns"]["name"] == "db" and spec["dns"]["address"] == "10.9.9.9"
    assert spec["rules"][0][6:12] == ["-d", "127.0.0.11", "-p", "udp", "--dport", "53"]
    assert out["result"]["effect"]["measured"] is True


def test_a_revert_that_leaves_rules_fails_naming_them(tmp_path: Path) -> None:
    target = driver()
    target.helper_left = ["filter: -A OUTPUT -j DROP"]
    raw = {"type": "network-partition", "service": "ebit-api", "duration": "5s"}
    with pytest.raises(TargetError, match=r"left in ebit-api's namespace.*-A OUTPUT -j DROP"):
        drive(make_env(tmp_path, target), raw)


def test_recover_after_the_helper_is_gone_sweeps_the_tag_with_a_fresh_helper(
    tmp_path: Path,
) -> None:
    target = driver()
    env = make_env(tmp_path, target)
    plugin = fault({"type": "network-loss", "service": "ebit-api", "percent": 5, "duration": "5s"})
    asyncio.run(plugin.check(env))
    undo = plugin.undo()
    asyncio.run(plugin.inject(env))
    target.helper_box.clear()  # the helper was removed by hand, or died
    reverted = asyncio.run(type(plugin).revert(env, json.loads(json.dumps(undo)), {}))
    assert reverted["undone_by"] == "undo"
    sweeps = [json.loads(c[2]) for c in target.calls if c[0] == "run_helper"]
    assert sweeps[-1] == {"mode": "undo", "tag": undo["tag"], "files": []}


def test_sweep_run_removes_every_helper_of_a_run(tmp_path: Path) -> None:
    target = driver()
    env = make_env(tmp_path, target)
    for percent in (5, 10):
        plugin = fault(
            {"type": "network-loss", "service": "ebit-api", "percent": percent, "duration": "5s"}
        )
        asyncio.run(plugin.check(env))
        asyncio.run(plugin.inject(env))
    assert len(_netns.sweep_run(target, "r1")) == 2
    assert target.helper_box == {}


def test_cpu_limit_sets_the_quota_and_restores_unlimited(tmp_path: Path) -> None:
    target = driver()
    raw = {"type": "cpu-limit", "service": "ebit-api", "cpus": 0.5, "duration": "5s"}
    out = drive(make_env(tmp_path, target), raw)
    updates = [json.loads(c[2]) for c in target.calls if c[0] == "update_limits"]
    assert updates == [
        {"CpuPeriod": 100000, "CpuQuota": 50000},
        {"CpuPeriod": 100000, "CpuQuota": -1},
    ]
    assert out["result"]["effect"] == {"measured": True, "summary": "CPU limit in force: 0.5 CPU"}
    assert out["reverted"]["cpus"] == "unlimited"


def test_cpu_limit_keeps_a_nanocpus_limit_in_its_form_and_refuses_more_than_the_host(
    tmp_path: Path,
) -> None:
    target = driver()
    target.service_limits["ebit-api"] = {"NanoCpus": 1_500_000_000}
    raw = {"type": "cpu-limit", "service": "ebit-api", "cpus": 0.25, "duration": "5s"}
    drive(make_env(tmp_path, target), raw)
    assert target.service_limits["ebit-api"]["NanoCpus"] == 1_500_000_000
    too_many = fault({**raw, "cpus": 8})
    with pytest.raises(PreflightError, match="8 CPU asked, the host has 2"):
        asyncio.run(too_many.check(make_env(tmp_path, target)))


def test_memory_limit_restores_a_previous_limit_exactly_or_recreates_when_unlimited(
    tmp_path: Path,
) -> None:
    target = driver()
    raw = {"type": "memory-limit", "service": "ebit-api", "memory": "64m", "duration": "5s"}
    out = drive(make_env(tmp_path, target), raw)
    assert out["result"]["limits"]["Memory"] == 64 * 2**20
    assert out["reverted"]["by"] == "recreate" and ("recreate", "ebit-api") in target.calls
    target = driver()
    target.service_limits["ebit-postgres"] = {"Memory": 2**30, "MemorySwap": 2**31}
    out = drive(make_env(tmp_path, target), {**raw, "service": "ebit-postgres"})
    assert out["reverted"]["by"] == "docker update"
    assert target.service_limits["ebit-postgres"]["MemorySwap"] == 2**31


def test_disk_fill_writes_through_the_process_namespace_and_sweeps_the_file(
    tmp_path: Path,
) -> None:
    target = driver()
    raw = {
        "type": "disk-fill",
        "service": "ebit-api",
        "path": "/var/lib/data/",
        "size": "10m",
        "duration": "5s",
    }
    out = drive(make_env(tmp_path, target), raw)
    path = f"/proc/1/root/var/lib/data/.drillctl-fill-{out['undo']['token']}"
    assert out["undo"]["files"] == [{"path": path}]
    assert run_spec(target)["files"] == [{"path": path, "max_bytes": 2**30, "bytes": 10 * 2**20}]


def test_a_fault_without_measurable_effect_fails_the_drill() -> None:
    first = FaultInjected(id="cut", result={"effect": {"measured": True, "summary": "in force"}})
    last = FaultReverted(id="cut", result={"effect": {"measured": False, "summary": "no drop"}})
    [result] = check_fault_effects([first, last])
    assert (result.name, result.passed, result.detail) == ("effect:cut", False, "no drop")
    assert check_fault_effects([first])[0].passed
