"""The fault types drillctl knows: the built-ins, listed here, plus ``drillctl.faults`` entry points.

A plugin package registers ``[project.entry-points."drillctl.faults"] my-type = "pkg.mod:MyFault"``
where ``MyFault`` implements ``FaultPlugin`` (its ``params_model`` has ``type: Literal["my-type"]``).
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from drillctl.faults import (
    env_override,
    exec,
    host_command,
    kill_service,
    pause_service,
    restart_service,
    stop_service,
    ws_storm,
)
from drillctl.faults.base import FaultParams

ENTRY_POINT_GROUP = "drillctl.faults"

# type name -> parameters model; the behaviour classes are bound in BUILTIN_FAULTS
BUILTIN_PARAMS: dict[str, type[FaultParams]] = {
    "stop-service": stop_service.StopServiceParams,
    "kill-service": kill_service.KillServiceParams,
    "pause-service": pause_service.PauseServiceParams,
    "restart-service": restart_service.RestartServiceParams,
    "exec": exec.ExecParams,
    "env-override": env_override.EnvOverrideParams,
    "ws-storm": ws_storm.WsStormParams,
    "host-command": host_command.HostCommandParams,
}


@cache
def plugin_params() -> dict[str, type[FaultParams]]:
    """Parameters models of installed plugin fault types, by type name."""
    found: dict[str, type[FaultParams]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in BUILTIN_PARAMS:
            continue
        plugin = ep.load()
        found[ep.name] = plugin.params_model
    return found


def all_params() -> dict[str, type[FaultParams]]:
    return {**BUILTIN_PARAMS, **plugin_params()}
