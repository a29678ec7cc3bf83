"""Where drillctl can reach the project's observability tools from the host, and why not (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drillctl.init.model import SOURCE_PORTS, Port, Project, Service, Tool


@dataclass(frozen=True)
class Found:
    """One observer source: its URL, or why there is none."""

    tool: Tool
    service: Service | None
    url: str | None
    note: str  # what was found, or what is missing and what to do


def find_source(project: Project, tool: Tool) -> Found:
    service = project.tool(tool)
    default = SOURCE_PORTS[tool]
    if service is None:
        why = f"no service looks like {tool.value} (image, name, program, port, healthcheck)"
        return Found(tool, None, None, why)
    port = service.port_for(default)
    if port is None:
        why = "publishes no port" if not service.published() else f"does not publish port {default}"
        return Found(
            tool, service, None, f"service {service.name!r} {why}: publish {default} on 127.0.0.1"
        )
    profile = f", only with profile {', '.join(service.profiles)}" if service.profiles else ""
    return Found(
        tool,
        service,
        f"http://{port.host_address()}:{port.published}",
        f"service {service.name!r}{profile}",
    )


def find_sources(project: Project) -> list[Found]:
    return [find_source(project, tool) for tool in SOURCE_PORTS]


_HTTP_PORTS = frozenset({80, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8088, 8888, 9000})
_HEALTH_URL = re.compile(
    r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(/[^\s'\"]*)?"
)


def health_url(service: Service) -> tuple[int, str] | None:
    """``(container port, path)`` of an HTTP healthcheck such as ``curl -f http://localhost:8000/healthz``."""
    if service.healthcheck is None:
        return None
    match = _HEALTH_URL.search(" ".join(service.healthcheck.test))
    if not match:
        return None
    return int(match.group(1) or 80), match.group(2) or "/"


def http_port(service: Service) -> tuple[Port, str] | None:
    """A published port that serves HTTP, with the healthcheck's path when there is one."""
    health = health_url(service)
    if health:
        port = next((p for p in service.published() if p.target == health[0]), None)
        if port:
            return port, health[1]
    port = next((p for p in service.published() if p.target in _HTTP_PORTS), None)
    return (port, "/") if port else None
