"""The swarm driver against an in-memory swarm API (the docker SDK's calls, answered from dicts)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from drillctl.core.clock import SystemClock
from drillctl.core.errors import TargetError
from drillctl.target import swarm_spec as sp
from drillctl.target.swarm import SwarmDriver
from drillctl.target.swarm_events import to_swarm_event


class FakeApi:
    """One service ``lab_api``; writes check the version as the engine does."""

    def __init__(self, replicas: int = 2, healthcheck: bool = True) -> None:
        container: dict[str, Any] = {"Env": ["PW=good"]}
        if healthcheck:
            container["Healthcheck"] = {"Test": ["CMD", "true"]}
        self.spec: dict[str, Any] = {
            "Name": "lab_api",
            "Labels": {sp.STACK_LABEL: "lab"},
            "Mode": {"Replicated": {"Replicas": replicas}},
            "TaskTemplate": {"ContainerSpec": container},
        }
        self.version = 5
        self.running = replicas

    def inspect_service(self, name: str) -> dict[str, Any]:
        return {"ID": "svc1", "Version": {"Index": self.version}, "Spec": self.spec}

    def update_service(self, sid: str, version: int, **kw: Any) -> None:
        assert version == self.version, "a write at a stale version"
        self.spec = {
            "Name": kw["name"],
            "Labels": kw["labels"],
            "Mode": kw["mode"],
            "TaskTemplate": kw["task_template"],
        }
        self.version += 1

    def services(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"Spec": self.spec}]

    def tasks(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        state = lambda i: "running" if i < self.running else "failed"  # noqa: E731
        return [
            {"ID": f"t{i}", "ServiceID": "svc1", "NodeID": "othernode1234567",
             "Status": {"State": state(i)}}
            for i in range(self.spec["Mode"]["Replicated"]["Replicas"])
        ]  # fmt: skip


def driver(api: FakeApi, local: list[Any] | None = None) -> SwarmDriver:
    sdk = SimpleNamespace(
        api=api,
        info=lambda: {"Swarm": {"NodeID": "thisnode123456789"}},
        containers=SimpleNamespace(list=lambda **kw: list(local or [])),
    )
    return SwarmDriver("lab", sdk=sdk)  # type: ignore[arg-type]


def test_services_are_named_without_the_stack_prefix() -> None:
    assert driver(FakeApi()).services() == ["api"]


def test_stop_scales_to_zero_and_start_scales_back_to_the_kept_count() -> None:
    api = FakeApi(replicas=3)
    target = driver(api)
    target.stop("api")
    assert api.spec["Mode"]["Replicated"]["Replicas"] == 0
    assert api.spec["Labels"][sp.SCALED_FROM] == "3"
    target.stop("api")  # a second stop keeps the first count
    assert api.spec["Labels"][sp.SCALED_FROM] == "3"
    target.start("api")
    assert api.spec["Mode"]["Replicated"]["Replicas"] == 3
    assert sp.SCALED_FROM not in api.spec["Labels"]


def test_start_leaves_a_service_that_was_not_scaled_alone() -> None:
    api = FakeApi()
    driver(api).start("api")
    assert api.version == 5


def test_state_counts_running_tasks_against_the_replicas() -> None:
    api = FakeApi(replicas=2)
    api.running = 1
    state = driver(api).state("api")
    assert (state.containers, state.running, state.state) == (2, 1, "mixed")


def test_exec_without_a_task_on_this_node_says_where_they_run() -> None:
    with pytest.raises(TargetError, match="no task of api runs on this node") as err:
        driver(FakeApi()).exec("api", ["true"])
    assert "othernode123" in str(err.value)


def test_pause_is_refused_for_a_service_with_a_healthcheck() -> None:
    with pytest.raises(TargetError, match="refusing to pause lab_api: it has a healthcheck"):
        driver(FakeApi(healthcheck=True)).pause("api")


def test_env_override_changes_only_its_keys_and_restore_puts_them_back(tmp_path: Any) -> None:
    api = FakeApi()
    api.spec["UpdateStatus"] = None
    target = driver(api)
    record = tmp_path / "overrides" / "o.yaml"
    target.recreate_with_env("api", {"PW": "bad"}, record)
    assert target.environment("api") == {"PW": "bad"}
    api.spec["TaskTemplate"]["ContainerSpec"]["Env"].append("UNRELATED=1")  # not a spec move
    api.spec = dict(api.spec)
    with pytest.raises(TargetError, match="spec changed since the injection"):
        target.restore_env("api", record)
    api.spec["TaskTemplate"]["ContainerSpec"]["Env"].remove("UNRELATED=1")
    target.restore_env("api", record)
    assert target.environment("api") == {"PW": "good"}
    target.restore_env("api", record)  # idempotent
    target.restore_env("api", tmp_path / "never-written.yaml")  # nothing recorded: nothing to do


def test_events_of_the_stack_only_named_by_short_service() -> None:
    clock = SystemClock()
    task = {"Type": "container", "Action": "die", "Actor": {"ID": "abcdef1234567890",
            "Attributes": {sp.STACK_LABEL: "lab", sp.SERVICE_NAME_LABEL: "lab_api"}}}  # fmt: skip
    service = {"Type": "service", "Action": "update", "Actor": {"Attributes": {"name": "lab_api"}}}
    other = {"Type": "service", "Action": "update", "Actor": {"Attributes": {"name": "x_api"}}}
    got = to_swarm_event(task, "lab", clock)
    assert got is not None and (got.service, got.action, got.container_id) == (
        "api",
        "die",
        "abcdef123456",
    )
    event = to_swarm_event(service, "lab", clock)
    assert event is not None and (event.service, event.action) == ("api", "service update")
    assert to_swarm_event(other, "lab", clock) is None
    assert event.at <= datetime.now(UTC)
