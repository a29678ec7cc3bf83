"""The fault types drillctl knows: the built-ins listed here, plus ``drillctl.faults`` entry points.

A plugin package registers ``[project.entry-points."drillctl.faults"] my-type = "pkg.mod:MyFault"``
where ``MyFault`` implements ``FaultPlugin`` (``params_model`` has ``type: Literal["my-type"]``).
A built-in name cannot be taken over by a plugin.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from drillctl.core.errors import ConfigError, PreflightError
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
from drillctl.faults.base import FaultParams, FaultPlugin

ENTRY_POINT_GROUP = "drillctl.faults"

# One line a fault type; its type name is the class's ``type_name``. Typed as
# ``type[FaultPlugin]`` so that mypy checks every class here against the Protocol.
_BUILTIN: tuple[type[FaultPlugin], ...] = (
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

# type name -> behaviour class (its params_model is the parameters model)
BUILTIN_FAULTS: dict[str, type[FaultPlugin]] = {cls.type_name: cls for cls in _BUILTIN}

# type name -> parameters model
BUILTIN_PARAMS: dict[str, type[FaultParams]] = {
    name: cls.params_model for name, cls in BUILTIN_FAULTS.items()
}

_REQUIRED = ("type_name", "params_model", "plan", "check", "undo", "inject", "revert")


@cache
def plugin_classes() -> dict[str, type[FaultPlugin]]:
    """Behaviour classes of installed plugin fault types, by type name."""
    found: dict[str, type[FaultPlugin]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in BUILTIN_FAULTS:
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
        known = ", ".join(sorted({**BUILTIN_FAULTS, **plugin_classes()}))
        raise PreflightError(f"unknown fault type {type_name!r}; known types: {known}")
    return cls


def plugin_for(params: FaultParams) -> FaultPlugin:
    """A ready-to-use fault for these parameters (``plan()`` works at once, for --dry-run)."""
    type_name = str(getattr(params, "type", ""))
    return plugin_class(type_name)(params)
