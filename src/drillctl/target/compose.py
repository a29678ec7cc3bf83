"""The docker compose driver: python-on-whales for the compose verbs, the docker SDK for state.

Compose verbs (stop, start, kill, pause, restart, up) go through python-on-whales, so they behave
exactly as ``docker compose`` does for the user (profiles, dependencies, project name). Container
state, exec and the event stream use the docker SDK: exact exit codes and output of an exec with
an argv list (no shell, no TTY), and a stream that can be closed from another thread.
Library errors become ``TargetError`` here, at the boundary.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import docker
import docker.errors
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.errors import TargetError
from drillctl.target.base import (
    ContainerEvent,
    ExecResult,
    LogLine,
    ServiceState,
    TargetDriver,
    is_up,
)
from drillctl.target.compose_files import write_env_override
from drillctl.target.compose_helpers import ComposeHelpers
from drillctl.target.events import EventStream
from drillctl.target.inventory import container_inventory
from drillctl.target.safety import DockerEndpoint
from drillctl.target.sdk_logs import containers_logs
from drillctl.target.sdk_logs import parse_log_line as parse_log_line  # swarm.py reads it here

PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"


@dataclass
class ComposeProject:
    directory: Path
    files: list[Path]  # resolved, never empty
    name: str
    profiles: list[str] = field(default_factory=list)


class ComposeDriver(ComposeHelpers, TargetDriver):
    name = "compose"

    def __init__(
        self,
        project: ComposeProject,
        *,
        endpoint: DockerEndpoint | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.project = project
        self._endpoint = endpoint or DockerEndpoint(host=None, source="default")
        self._clock = clock or SystemClock()
        self._sdk: docker.DockerClient | None = None

    # --- plumbing ---------------------------------------------------------------------------

    def _whales(
        self, extra_files: list[Path] | None = None, profiles: list[str] | None = None
    ) -> DockerClient:
        p = self.project
        return DockerClient(
            compose_files=[*p.files, *(extra_files or [])],
            compose_project_name=p.name,
            compose_project_directory=p.directory,
            compose_profiles=p.profiles if profiles is None else profiles,
            host=self._endpoint.host if self._endpoint.source == "DOCKER_HOST" else None,
            context=self._endpoint.context,
        )

    def _compose(
        self, verb: str, *args: Any, extra_files: list[Path] | None = None, **kw: Any
    ) -> Any:
        try:
            return getattr(self._whales(extra_files).compose, verb)(*args, **kw)
        except DockerException as exc:
            raise TargetError(
                f"docker compose {verb} failed: {_tail(exc.stderr or exc.stdout)}"
            ) from exc

    def sdk(self) -> docker.DockerClient:
        if self._sdk is None:
            try:
                if self._endpoint.host:
                    ssh = self._endpoint.host.startswith("ssh://")
                    self._sdk = docker.DockerClient(
                        base_url=self._endpoint.host, use_ssh_client=ssh
                    )
                else:
                    self._sdk = docker.from_env()
            except docker.errors.DockerException as exc:
                raise TargetError(f"cannot reach the docker engine: {exc}") from exc
        return self._sdk

    def _containers(self, service: str | None = None, *, all_: bool = True) -> list[Any]:
        labels = [f"{PROJECT_LABEL}={self.project.name}", "com.docker.compose.oneoff=False"]
        if service:
            labels.append(f"{SERVICE_LABEL}={service}")
        try:
            found = self.sdk().containers.list(all=all_, filters={"label": labels})
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot list the containers of {self.project.name}: {exc}") from exc
        return sorted(
            found, key=lambda c: int(c.labels.get("com.docker.compose.container-number", 0))
        )

    # --- identity and state -----------------------------------------------------------------

    def describe(self) -> dict[str, object]:
        p = self.project
        return {
            "driver": self.name,
            "project": p.name,
            "project_dir": str(p.directory),
            "files": [str(f) for f in p.files],
            "profiles": list(p.profiles),
        }

    def command_line(self, *args: str) -> str:
        files = [f"-f {f}" for f in self.project.files]
        return "`" + " ".join(["docker compose -p", self.project.name, *files, *args]) + "`"

    def inventory(self) -> list[dict[str, object]]:
        return container_inventory(self.sdk(), self._containers())

    def config(self, *, all_profiles: bool = False) -> dict[str, Any]:
        try:
            data = self._whales(profiles=["*"] if all_profiles else None).compose.config(
                return_json=True
            )
        except DockerException as exc:
            raise TargetError(f"docker compose config failed: {_tail(exc.stderr)}") from exc
        return dict(data)

    def services(self) -> list[str]:
        return sorted(self.config(all_profiles=True).get("services", {}))

    def state(self, service: str) -> ServiceState:
        return service_state(service, self._containers(service))

    # --- compose verbs ----------------------------------------------------------------------

    def stop(self, service: str, timeout: float | None = None) -> None:
        self._compose("stop", [service], timeout=None if timeout is None else int(timeout))

    def start(self, service: str) -> None:
        self._compose("start", [service])

    def kill(self, service: str, signal: str = "SIGKILL") -> None:
        self._compose("kill", [service], signal=signal)

    def pause(self, service: str) -> None:
        self._compose("pause", [service])

    def unpause(self, service: str) -> None:
        self._compose("unpause", [service])

    def restart(self, service: str, timeout: float | None = None) -> None:
        self._compose("restart", [service], timeout=None if timeout is None else int(timeout))

    def exec(self, service: str, argv: list[str], *, user: str | None = None) -> ExecResult:
        running = [c for c in self._containers(service, all_=False) if c.status == "running"]
        if not running:
            raise TargetError(f"cannot exec in {service}: it has no running container")
        try:
            code, (out, err) = running[0].exec_run(
                argv, user=user or "", demux=True, stdin=False, tty=False
            )
        except docker.errors.DockerException as exc:
            raise TargetError(f"exec in {service} failed: {exc}") from exc
        return ExecResult(exit_code=int(code), stdout=_text(out), stderr=_text(err))

    def environment(self, service: str) -> dict[str, str]:
        spec = self.config(all_profiles=True).get("services", {}).get(service)
        if spec is None:
            raise TargetError(f"service {service!r} is not defined in {self.project.name}")
        env = spec.get("environment") or {}
        return {k: "" if v is None else str(v) for k, v in env.items()}

    def recreate_with_env(self, service: str, env: Mapping[str, str], override_file: Path) -> None:
        write_env_override(override_file, service, env)
        self._compose(
            "up",
            [service],
            detach=True,
            force_recreate=True,
            dependencies=False,
            extra_files=[override_file],
            quiet=True,
        )

    def recreate(self, service: str) -> None:
        self._compose(
            "up", [service], detach=True, force_recreate=True, dependencies=False, quiet=True
        )

    def enable_profile(self, profile: str) -> list[str]:
        before = set(self.config().get("services", {}))
        client = self._whales(profiles=[*self.project.profiles, profile])
        added = sorted(set(client.compose.config(return_json=True).get("services", {})) - before)
        if added:
            try:
                client.compose.up(added, detach=True, quiet=True)
            except DockerException as exc:
                raise TargetError(f"cannot start profile {profile}: {_tail(exc.stderr)}") from exc
        return added

    def profile_services(self, profile: str) -> set[str]:
        services = self.config(all_profiles=True).get("services", {})
        return {n for n, spec in services.items() if profile in (spec or {}).get("profiles", [])}

    def disable_profile(self, profile: str, services: list[str]) -> None:
        client = self._whales(profiles=[*self.project.profiles, profile])
        try:
            client.compose.rm(services, stop=True)
        except DockerException as exc:
            raise TargetError(f"cannot stop profile {profile}: {_tail(exc.stderr)}") from exc

    # --- logs, events, health ---------------------------------------------------------------

    def logs(
        self, services: list[str], since: datetime, until: datetime | None = None
    ) -> list[LogLine]:
        # the Engine API in this process, not one `docker compose logs` process per service
        return [
            line
            for service in services
            for line in containers_logs(service, self._containers(service), since, until)
        ]

    def events(self, since: datetime) -> Iterator[ContainerEvent]:
        return EventStream(self.sdk(), self.project.name, since, self._clock)

    def wait_healthy(self, services: list[str] | None, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            names = services if services is not None else self._live_services()
            if all(is_up(self.state(s)) for s in names):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)

    def _live_services(self) -> list[str]:
        return sorted({c.labels.get(SERVICE_LABEL, "") for c in self._containers()} - {""})


def service_state(service: str, containers: list[Any]) -> ServiceState:
    statuses = [c.status for c in containers]
    healths = [c.attrs.get("State", {}).get("Health", {}).get("Status") for c in containers]
    state = "missing" if not statuses else statuses[0] if len(set(statuses)) == 1 else "mixed"
    known = [h for h in healths if h]
    health = None if not known else known[0] if len(set(known)) == 1 else "unhealthy"
    return ServiceState(
        service=service,
        containers=len(statuses),
        running=statuses.count("running"),
        state=state,
        health=health,
    )


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def _tail(text: str | None, limit: int = 400) -> str:
    return (text or "").strip()[-limit:] or "(no output)"
