"""What ``drillctl init`` learns about a compose project: plain frozen values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Tool(StrEnum):
    """Kinds of service ``init`` recognises (by image or name, then by what it runs and exposes)."""

    PROMETHEUS = "prometheus"
    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    LOKI = "loki"
    JAEGER = "jaeger"
    REDIS = "redis"
    POSTGRES = "postgres"
    EXPORTER = "exporter"  # a metrics exporter: never the service to stop, never a source


# the tools drillctl reads as observer sources, with the container port each one listens on
SOURCE_PORTS: dict[Tool, int] = {
    Tool.PROMETHEUS: 9090,
    Tool.ALERTMANAGER: 9093,
    Tool.GRAFANA: 3000,
    Tool.LOKI: 3100,
    Tool.JAEGER: 16686,
}
OBSERVABILITY = frozenset(SOURCE_PORTS) | {Tool.EXPORTER}
DATASTORES = frozenset({Tool.REDIS, Tool.POSTGRES})


@dataclass(frozen=True)
class Port:
    """One published port: ``host_ip:published -> target/protocol``."""

    target: int
    published: int | None  # None: not published on the host
    host_ip: str = ""
    protocol: str = "tcp"

    def host_address(self) -> str:
        """Where the host reaches it; an any-address binding is reached on loopback."""
        ip = self.host_ip if self.host_ip not in ("", "0.0.0.0", "::") else "127.0.0.1"
        return f"[{ip}]" if ":" in ip else ip

    def __str__(self) -> str:
        if self.published is None:
            return f"{self.target}/{self.protocol} (not published)"
        return f"{self.host_address()}:{self.published}->{self.target}/{self.protocol}"


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]  # the argv (CMD) or a one-element shell string (CMD-SHELL)
    disabled: bool = False

    def __str__(self) -> str:
        return "disabled" if self.disabled else " ".join(self.test)


@dataclass(frozen=True)
class Service:
    name: str
    image: str | None
    built: bool  # has a build: section
    ports: tuple[Port, ...] = ()
    healthcheck: Healthcheck | None = None
    profiles: tuple[str, ...] = ()
    tool: Tool | None = None
    volumes: tuple[tuple[str, str], ...] = ()  # bind mounts: (host source, container target)

    def published(self) -> list[Port]:
        return [p for p in self.ports if p.published is not None and p.protocol == "tcp"]

    def port_for(self, target: int) -> Port | None:
        """The published port of a container port, or the only published port when there is one."""
        ports = self.published()
        exact = [p for p in ports if p.target == target]
        if exact:
            return exact[0]
        return ports[0] if len(ports) == 1 else None


@dataclass(frozen=True)
class Project:
    name: str
    dir: Path
    files: tuple[Path, ...]  # relative to dir when they live under it
    services: tuple[Service, ...]
    how: str  # how the config was read: "docker compose config" or "the YAML files (...)"
    scrape_jobs: dict[str, str] = field(default_factory=dict)  # service -> Prometheus job
    driver: str = "compose"  # "swarm" when the project runs as a stack on this engine

    @property
    def profiles(self) -> list[str]:
        return sorted({p for s in self.services for p in s.profiles})

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)

    def tool(self, tool: Tool) -> Service | None:
        """The first service of a kind, preferring one outside any profile (always started)."""
        found = [s for s in self.services if s.tool is tool]
        found.sort(key=lambda s: (bool(s.profiles), s.name))
        return found[0] if found else None
