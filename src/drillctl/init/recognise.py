"""Recognise an observability tool by what a service runs and exposes (pure).

Image and service name come first (``inspect.detect_tool``); when they say nothing, as for a
Prometheus called ``metrics-store`` built from a team's own image, the service is recognised by
the program its entrypoint or command starts, its healthcheck URL, or the well-known port it
listens on. Port 3000 alone is not Grafana (half the Node apps in the world listen there): it
takes Grafana's health path to say so.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from drillctl.init.model import Service, Tool
from drillctl.init.sources import health_url

_PROGRAMS: dict[str, Tool] = {
    "prometheus": Tool.PROMETHEUS,
    "alertmanager": Tool.ALERTMANAGER,
    "loki": Tool.LOKI,
    "grafana": Tool.GRAFANA,
    "grafana-server": Tool.GRAFANA,
    "jaeger-all-in-one": Tool.JAEGER,
    "jaeger-query": Tool.JAEGER,
    "jaeger": Tool.JAEGER,
}
# programs that start the real one: look past them (and past their flags) for the real program
_WRAPPERS = frozenset({"sh", "bash", "ash", "dash", "env", "exec", "tini", "dumb-init", "gosu"})
_PORTS: dict[int, Tool] = {
    9090: Tool.PROMETHEUS,
    9093: Tool.ALERTMANAGER,
    3100: Tool.LOKI,
    16686: Tool.JAEGER,
}
_HEALTH_PATHS: dict[str, Tool] = {
    "/api/health": Tool.GRAFANA,
    "/-/healthy": Tool.PROMETHEUS,  # Alertmanager answers these too: its port tells them apart
    "/-/ready": Tool.PROMETHEUS,
}


def argv(raw: Any) -> list[str]:
    """A compose ``entrypoint``/``command``: a list (normalised) or a shell-style string."""
    if raw is None:
        return []
    if isinstance(raw, str):
        try:
            return shlex.split(raw)
        except ValueError:
            return raw.split()
    return [str(part) for part in raw]


def program(words: Sequence[str]) -> str | None:
    """The name of the program an argv starts, past wrappers (``sh -c "..."``, ``tini --``)."""
    for index, word in enumerate(words):
        name = PurePosixPath(word).name
        if name in _WRAPPERS or word.startswith("-"):
            if word == "-c" and index + 1 < len(words):  # sh -c "prometheus --config..."
                return program(argv(words[index + 1]))
            continue
        return name
    return None


def by_program(entrypoint: Any, command: Any) -> Tool | None:
    """The tool the service starts: the entrypoint's program, else the command's."""
    for raw in (entrypoint, command):
        name = program(argv(raw))
        if name is not None:
            return _PROGRAMS.get(name)
    return None


def by_health(service: Service) -> Tool | None:
    found = health_url(service)
    if found is None:
        return None
    port, path = found
    tool = _HEALTH_PATHS.get(path.rstrip("/") or "/")
    if tool is Tool.PROMETHEUS and port == 9093:
        return Tool.ALERTMANAGER
    return tool or _PORTS.get(port)


def by_ports(service: Service) -> Tool | None:
    return next((_PORTS[p.target] for p in service.ports if p.target in _PORTS), None)


def recognise(service: Service, entrypoint: Any, command: Any) -> Tool | None:
    """What a service whose image and name say nothing runs, from the surest sign to the least."""
    return by_program(entrypoint, command) or by_health(service) or by_ports(service)
