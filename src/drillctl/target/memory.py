"""An in-memory target: services with state and environment, every call recorded. No Docker.

The seam every layer above the driver is tested through (as httpx's ``MockTransport`` is): the
engine, the faults, the rollback and ``recover`` run against it in unit tests, and a failure can
be planted on any verb (``driver.fail["start"] = TargetError("...")``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from drillctl.core.errors import TargetError
from drillctl.target.base import ContainerEvent, ExecResult, LogLine, ServiceState, TargetDriver
from drillctl.target.memory_helpers import MemoryHelpers


@dataclass
class MemoryService:
    environment: dict[str, str] = field(default_factory=dict)
    status: str = "running"  # running | exited | paused | missing
    profile: str | None = None
    live_env: dict[str, str] = field(default_factory=dict)


class MemoryDriver(MemoryHelpers, TargetDriver):
    name = "memory"

    def __init__(
        self, services: Mapping[str, MemoryService] | None = None, project: str = "mem"
    ) -> None:
        self.project = project
        self.svc: dict[str, MemoryService] = dict(
            services or {"api": MemoryService(), "db": MemoryService()}
        )
        for service in self.svc.values():
            service.live_env = service.live_env or dict(service.environment)
        self.calls: list[tuple[str, ...]] = []
        self.fail: dict[str, Exception] = {}
        self.exec_results: dict[str, ExecResult] = {}  # argv[0] -> result
        self._init_helpers()

    def _call(self, verb: str, *args: str) -> None:
        self.calls.append((verb, *args))
        if verb in self.fail:
            raise self.fail[verb]

    def _get(self, service: str) -> MemoryService:
        if service not in self.svc:
            raise TargetError(f"no such service: {service}")
        return self.svc[service]

    def describe(self) -> dict[str, object]:
        return {"driver": self.name, "project": self.project, "project_dir": "/memory", "files": []}

    def services(self) -> list[str]:
        self._call("services")
        return sorted(self.svc)

    def state(self, service: str) -> ServiceState:
        status = self._get(service).status
        containers = 0 if status == "missing" else 1
        running = 1 if status == "running" else 0
        return ServiceState(service, containers, running, status, None)

    def _set(self, verb: str, service: str, status: str) -> None:
        self._call(verb, service)
        entry = self._get(service)
        if entry.status == "missing":
            raise TargetError(f"service {service} has no container")
        entry.status = status

    def stop(self, service: str, timeout: float | None = None) -> None:
        self._set("stop", service, "exited")

    def start(self, service: str) -> None:
        self._set("start", service, "running")

    def kill(self, service: str, signal: str = "SIGKILL") -> None:
        self._set("kill", service, "exited")

    def pause(self, service: str) -> None:
        self._set("pause", service, "paused")

    def unpause(self, service: str) -> None:
        self._set("unpause", service, "running")

    def restart(self, service: str, timeout: float | None = None) -> None:
        self._set("restart", service, "running")

    def exec(self, service: str, argv: list[str], *, user: str | None = None) -> ExecResult:
        self._call("exec", service, *argv)
        return self.exec_results.get(argv[0], ExecResult(0, "", ""))

    def environment(self, service: str) -> dict[str, str]:
        return dict(self._get(service).environment)

    def recreate_with_env(self, service: str, env: Mapping[str, str], override_file: Path) -> None:
        self._call("recreate_with_env", service, str(override_file))
        override_file.parent.mkdir(parents=True, exist_ok=True)
        override_file.write_text(repr(dict(env)), encoding="utf-8")
        override_file.chmod(0o600)
        entry = self._get(service)
        entry.live_env, entry.status = {**entry.environment, **env}, "running"

    def recreate(self, service: str) -> None:
        self._call("recreate", service)
        entry = self._get(service)
        entry.live_env, entry.status = dict(entry.environment), "running"

    def enable_profile(self, profile: str) -> list[str]:
        self._call("enable_profile", profile)
        return sorted(n for n, s in self.svc.items() if s.profile == profile)

    def disable_profile(self, profile: str, services: list[str]) -> None:
        self._call("disable_profile", profile, *services)

    def logs(
        self, services: list[str], since: datetime, until: datetime | None = None
    ) -> list[LogLine]:
        return []

    def events(self, since: datetime) -> Iterator[ContainerEvent]:
        return iter(())

    def wait_healthy(self, services: list[str] | None, timeout: float) -> bool:
        names = services if services is not None else list(self.svc)
        return all(self._get(s).status == "running" for s in names)
