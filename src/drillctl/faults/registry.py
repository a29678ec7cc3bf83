"""The fault types drillctl knows: the built-ins listed here, plus ``drillctl.faults`` entry points.

A plugin package registers ``[project.entry-points."drillctl.faults"] my-type = "pkg.mod:MyFault"``
where ``MyFault`` implements ``FaultPlugin`` (``params_model`` has ``type: Literal["my-type"]``).
A built-in name cannot be taken over by a plugin.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, TypeVar

from drillctl.core.errors import ConfigError, PreflightError
from drillctl.faults.base import FaultParams, FaultPlugin

ENTRY_POINT_GROUP = "drillctl.faults"

# One line a built-in fault type: its type name (the class's ``type_name``) -> the module under
# ``drillctl.faults`` and the class. A module is imported when its type is first looked up, so
# that `list` and `validate` import only the faults their files use (each module imports its
# parameters model and what the fault drives). ``tests/unit/faults/test_registry.py`` checks every
# row against the class's ``type_name``.
BUILTIN_TYPES: dict[str, tuple[str, str]] = {
    "stop-service": ("stop_service", "StopService"),
    "kill-service": ("kill_service", "KillService"),
    "pause-service": ("pause_service", "PauseService"),
    "restart-service": ("restart_service", "RestartService"),
    "exec": ("exec", "Exec"),
    "env-override": ("env_override", "EnvOverride"),
    "ws-storm": ("ws_storm", "WsStorm"),
    "host-command": ("host_command", "HostCommand"),
    "network-latency": ("network_latency", "NetworkLatency"),
    "network-loss": ("network_loss", "NetworkLoss"),
    "network-partition": ("network_partition", "NetworkPartition"),
    "network-bandwidth": ("network_bandwidth", "NetworkBandwidth"),
    "network-dns": ("network_dns", "NetworkDns"),
    "cpu-limit": ("cpu_limit", "CpuLimit"),
    "memory-limit": ("memory_limit", "MemoryLimit"),
    "disk-fill": ("disk_fill", "DiskFill"),
}

if TYPE_CHECKING:  # mypy checks every built-in class against the FaultPlugin Protocol
    from drillctl.faults import (
        cpu_limit,
        disk_fill,
        env_override,
        exec,
        host_command,
        kill_service,
        memory_limit,
        network_bandwidth,
        network_dns,
        network_latency,
        network_loss,
        network_partition,
        pause_service,
        restart_service,
        stop_service,
        ws_storm,
    )

    _CHECKED: tuple[type[FaultPlugin], ...] = (
        stop_service.StopService,
        kill_service.KillService,
        pause_service.PauseService,
        restart_service.RestartService,
        exec.Exec,
        env_override.EnvOverride,
        ws_storm.WsStorm,
        host_command.HostCommand,
        network_latency.NetworkLatency,
        network_loss.NetworkLoss,
        network_partition.NetworkPartition,
        network_bandwidth.NetworkBandwidth,
        network_dns.NetworkDns,
        cpu_limit.CpuLimit,
        memory_limit.MemoryLimit,
        disk_fill.DiskFill,
    )


@cache
def builtin_class(type_name: str) -> type[FaultPlugin]:
    """The behaviour class of a built-in type, its module imported now (KeyError: not built-in)."""
    module, name = BUILTIN_TYPES[type_name]
    cls: type[FaultPlugin] = getattr(importlib.import_module(f"drillctl.faults.{module}"), name)
    return cls


V = TypeVar("V")


class _Builtins(Mapping[str, V]):
    """Every built-in type name; a value (and so its module) is imported when it is read."""

    def __init__(self, value: Callable[[str], V]) -> None:
        self._value = value

    def __getitem__(self, type_name: str) -> V:
        return self._value(type_name)

    def __contains__(self, type_name: object) -> bool:
        return type_name in BUILTIN_TYPES  # without importing the module

    def __iter__(self) -> Iterator[str]:
        return iter(BUILTIN_TYPES)

    def __len__(self) -> int:
        return len(BUILTIN_TYPES)


# type name -> behaviour class (its params_model is the parameters model)
BUILTIN_FAULTS: Mapping[str, type[FaultPlugin]] = _Builtins(builtin_class)

# type name -> parameters model
BUILTIN_PARAMS: Mapping[str, type[FaultParams]] = _Builtins(
    lambda type_name: builtin_class(type_name).params_model
)


def builtin_params(type_names: Iterable[str]) -> dict[str, type[FaultParams]] | None:
    """The parameters models of these types, in the table's order; None when one of them is not
    a built-in (a plugin's, or unknown: the caller then needs every installed type)."""
    wanted = set(type_names)
    if not wanted <= BUILTIN_TYPES.keys():
        return None
    return {name: BUILTIN_PARAMS[name] for name in BUILTIN_TYPES if name in wanted}


_REQUIRED = ("type_name", "params_model", "plan", "check", "undo", "inject", "revert")


@cache
def plugin_classes() -> dict[str, type[FaultPlugin]]:
    """Behaviour classes of installed plugin fault types, by type name."""
    found: dict[str, type[FaultPlugin]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in BUILTIN_TYPES:
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken plugin package must say which one it is
            raise ConfigError(
                f"fault plugin {ep.name!r} ({ep.value}) cannot be loaded: {exc}"
            ) from exc
        missing = [attr for attr in _REQUIRED if not hasattr(plugin, attr)]
        if missing:
            raise ConfigError(f"fault plugin {ep.name!r} ({ep.value}) lacks {', '.join(missing)}")
        found[ep.name] = plugin
    return found


def plugin_params() -> dict[str, type[FaultParams]]:
    """Parameters models of installed plugin fault types, by type name."""
    return {name: cls.params_model for name, cls in plugin_classes().items()}


def all_params() -> dict[str, type[FaultParams]]:
    return {**BUILTIN_PARAMS, **plugin_params()}


def plugin_class(type_name: str) -> type[FaultPlugin]:
    """The behaviour class of a fault type, built-in or from a plugin package."""
    cls = BUILTIN_FAULTS.get(type_name) or plugin_classes().get(type_name)
    if cls is None:
        known = ", ".join(sorted({*BUILTIN_TYPES, *plugin_classes()}))
        raise PreflightError(f"unknown fault type {type_name!r}; known types: {known}")
    return cls


def plugin_for(params: FaultParams) -> FaultPlugin:
    """A ready-to-use fault for these parameters (``plan()`` works at once, for --dry-run)."""
    type_name = str(getattr(params, "type", ""))
    return plugin_class(type_name)(params)
