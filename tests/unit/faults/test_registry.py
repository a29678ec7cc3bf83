from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any, ClassVar, Literal

import pytest

from drillctl.core.errors import ConfigError, PreflightError
from drillctl.faults import registry
from drillctl.faults.base import FaultParams, FaultPlan
from drillctl.faults.registry import BUILTIN_FAULTS, BUILTIN_PARAMS, plugin_class, plugin_for

EXAMPLES: dict[str, dict[str, Any]] = {
    "stop-service": {"service": "ebit-api", "duration": "60s"},
    "kill-service": {"service": "ebit-api"},
    "pause-service": {"service": "ebit-api", "duration": "10s"},
    "restart-service": {"service": "ebit-api"},
    "exec": {"service": "cache", "argv": ["redis-cli", "-a", "cache", "FLUSHDB"]},
    "env-override": {"service": "ebit-api", "environment": {"X": "1"}},
    "ws-storm": {"url": "http://127.0.0.1:18080", "duration": "30s"},
    "host-command": {"argv": ["k6", "run", "x.js"], "duration": "1m"},
    "network-latency": {"service": "ebit-api", "delay": "200ms", "duration": "1m"},
    "network-loss": {"service": "ebit-api", "percent": 30, "duration": "1m"},
    "network-partition": {"service": "ebit-api", "peers": ["db"], "duration": "1m"},
    "network-bandwidth": {"service": "ebit-api", "rate": "1mbit", "duration": "1m"},
    "network-dns": {"service": "ebit-api", "host": "db", "duration": "1m"},
    "cpu-limit": {"service": "ebit-api", "cpus": 0.5, "duration": "1m"},
    "memory-limit": {"service": "ebit-api", "memory": "128m", "duration": "1m"},
    "disk-fill": {"service": "ebit-api", "path": "/data", "size": "10m", "duration": "1m"},
}


def test_every_builtin_type_is_bound_and_plans_without_touching_anything():
    assert set(BUILTIN_FAULTS) == set(EXAMPLES) == set(BUILTIN_PARAMS)
    for name, fields in EXAMPLES.items():
        params = BUILTIN_PARAMS[name].model_validate({"type": name, **fields})
        plan = plugin_for(params).plan()
        assert isinstance(plan, FaultPlan) and plan.action and plan.revert
        assert plugin_class(name).type_name == name


def test_an_unknown_type_lists_the_known_ones():
    with pytest.raises(PreflightError, match=r"known types: .*env-override"):
        plugin_class("flood")


class DemoParams(FaultParams):
    type: Literal["demo"]


class DemoFault:
    type_name: ClassVar[str] = "demo"
    params_model: ClassVar[type[FaultParams]] = DemoParams

    def __init__(self, params: DemoParams) -> None:
        self.params = params

    def plan(self) -> FaultPlan:
        return FaultPlan("demo", [], None, "nothing")

    async def check(self, env: Any) -> None: ...

    def undo(self) -> dict[str, Any]:
        return {}

    async def inject(self, env: Any) -> dict[str, Any]:
        return {}

    @classmethod
    async def revert(cls, env: Any, undo: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
        return {}


def _with_entry_points(monkeypatch: pytest.MonkeyPatch, *eps: EntryPoint) -> None:
    registry.plugin_classes.cache_clear()
    monkeypatch.setattr(registry, "entry_points", lambda group: list(eps))


@pytest.fixture(autouse=True)
def _fresh_cache():
    registry.plugin_classes.cache_clear()
    yield
    registry.plugin_classes.cache_clear()


def test_entry_point_plugins_are_found_by_type(monkeypatch):
    ep = EntryPoint("demo", f"{__name__}:DemoFault", registry.ENTRY_POINT_GROUP)
    _with_entry_points(monkeypatch, ep)
    assert plugin_class("demo") is DemoFault
    assert registry.all_params()["demo"] is DemoParams
    assert plugin_for(DemoParams(type="demo")).plan().action == "demo"


def test_a_plugin_cannot_take_a_builtin_name(monkeypatch):
    ep = EntryPoint("stop-service", f"{__name__}:DemoFault", registry.ENTRY_POINT_GROUP)
    _with_entry_points(monkeypatch, ep)
    assert plugin_class("stop-service") is BUILTIN_FAULTS["stop-service"]


def test_a_broken_plugin_names_itself(monkeypatch):
    ep = EntryPoint("bad", f"{__name__}:DemoParams", registry.ENTRY_POINT_GROUP)
    _with_entry_points(monkeypatch, ep)
    with pytest.raises(ConfigError, match=r"'bad'.*lacks"):
        plugin_class("bad")
