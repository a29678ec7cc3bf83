"""The Docker Swarm driver: one stack (``docker stack deploy``) drilled through the same interface.

A stack's services are named ``<stack>_<service>``; the driver speaks the short names, as the
compose file does. Swarm replaces what it runs, so the verbs mean (docs/swarm.md):

- ``stop``/``start``: scale to 0 and back to the replica count kept in a label on the service;
- ``kill``: kill one running task container on this node; the orchestrator replaces it;
- ``restart``/``recreate``: a forced update (every task replaced from the current spec);
- ``recreate_with_env``/``restore_env``: change only the given keys, then put back only those keys
  to the values recorded before the change (not a rollback, which could undo someone else's);
- ``exec``/``pause``: on a running task container of *this* node; tasks on other nodes are
  out of reach and the message says so.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import docker
import docker.errors

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.errors import TargetError
from drillctl.target import swarm_spec as sp
from drillctl.target.base import ContainerEvent, ExecResult, LogLine, ServiceState, TargetDriver
from drillctl.target.compose import is_up, parse_log_line
from drillctl.target.swarm_events import SwarmEventStream
from drillctl.target.swarm_tasks import TaskView

KILL_SETTLE_S = 10.0  # a killed task leaves "running" within a second or two
UPDATE_WAIT_S = 180.0  # a rolling update replaces the tasks one at a time, each waits for health


class SwarmDriver(TargetDriver):
    name = "swarm"

    def __init__(
        self,
        stack: str,
        *,
        sdk: docker.DockerClient,
        project_dir: Path | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.stack = stack
        self.project_dir = project_dir
        self._sdk = sdk
        self._clock = clock or SystemClock()
        self.tasks = TaskView(sdk, stack)

    @property
    def _api(self) -> docker.APIClient:
        return self._sdk.api

    def full(self, service: str) -> str:
        return f"{self.stack}_{service}"

    def _spec(self, service: str) -> sp.Spec:
        return sp.read_spec(self._api, self.full(service))

    # --- identity and state -----------------------------------------------------------------

    def describe(self) -> dict[str, object]:
        return {
            "driver": self.name,
            "project": self.stack,
            "project_dir": str(self.project_dir or ""),
            "files": [],
            "node": self.tasks.node_id(),
        }

    def services(self) -> list[str]:
        try:
            found = self._api.services(filters={"label": f"{sp.STACK_LABEL}={self.stack}"})
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot list the services of stack {self.stack}: {exc}") from exc
        prefix = f"{self.stack}_"
        return sorted(s["Spec"]["Name"].removeprefix(prefix) for s in found)

    def state(self, service: str) -> ServiceState:
        spec = self._spec(service)
        return self.tasks.state(service, spec.name, spec.replicas)

    # --- verbs --------------------------------------------------------------------------------

    def stop(self, service: str, timeout: float | None = None) -> None:
        """Scale to 0, keeping the replica count on the service so any process can scale back."""
        spec = self._spec(service)
        if spec.replicas == 0:
            return
        if spec.replicas is None:
            raise TargetError(f"{spec.name} is a global service: it cannot be scaled to 0")
        kept = spec.labels.get(sp.SCALED_FROM) or str(spec.replicas)
        sp.write_spec(self._api, spec, sp.with_replicas(spec, 0, {sp.SCALED_FROM: kept}))

    def start(self, service: str) -> None:
        """Scale back to the kept replica count; nothing to do when the service was not scaled."""
        spec = self._spec(service)
        kept = spec.labels.get(sp.SCALED_FROM)
        if kept is None and spec.replicas != 0:
            return  # swarm itself brings killed tasks back
        replicas = int(kept) if kept else 1
        sp.write_spec(self._api, spec, sp.with_replicas(spec, replicas, {sp.SCALED_FROM: None}))

    def kill(self, service: str, signal: str = "SIGKILL", count: int = 1) -> None:
        """Kill ``count`` running task containers of this node; swarm starts replacements."""
        containers = self.tasks.local_running(self.full(service), service)[:count]
        for container in containers:
            try:
                container.kill(signal=signal)
            except docker.errors.DockerException as exc:
                raise TargetError(f"cannot kill task {container.name}: {exc}") from exc
        # the task's state follows the container's a moment later: wait, so state() shows the loss
        killed = {c.labels.get(sp.TASK_ID_LABEL) for c in containers}
        self.tasks.wait_not_running(self.full(service), killed, timeout=KILL_SETTLE_S)

    def pause(self, service: str) -> None:
        spec = self._spec(service)
        if spec.has_healthcheck:
            raise TargetError(
                f"refusing to pause {spec.name}: it has a healthcheck, so swarm would replace the "
                "paused tasks once it fails and unpause would find nothing to resume",
                hint="on swarm use kill-service (a task is lost and replaced) or stop-service",
            )
        for container in self.tasks.local_running(spec.name, service):
            self._container_verb(container, "pause")

    def unpause(self, service: str) -> None:
        for container in self.tasks.local(self.full(service), status="paused"):
            self._container_verb(container, "unpause")

    def restart(self, service: str, timeout: float | None = None) -> None:
        self.recreate(service)

    def recreate(self, service: str) -> None:
        """A forced update: swarm replaces every task from the current spec."""
        spec = self._spec(service)
        sp.write_spec(self._api, spec, sp.forced(spec))
        self.tasks.wait_update(spec.name, UPDATE_WAIT_S)

    def exec(self, service: str, argv: list[str], *, user: str | None = None) -> ExecResult:
        container = self.tasks.local_running(self.full(service), service)[0]
        try:
            code, (out, err) = container.exec_run(
                argv, user=user or "", demux=True, stdin=False, tty=False
            )
        except docker.errors.DockerException as exc:
            raise TargetError(f"exec in {service} ({container.name}) failed: {exc}") from exc
        return ExecResult(exit_code=int(code), stdout=_text(out), stderr=_text(err))

    # --- environment ------------------------------------------------------------------------

    def environment(self, service: str) -> dict[str, str]:
        """The environment of the service's current spec (the stack's definition, as deployed)."""
        return self._spec(service).env

    def recreate_with_env(self, service: str, env: Mapping[str, str], override_file: Path) -> None:
        """Change only ``env``'s keys; the record of their old values is written first (0600)."""
        spec = self._spec(service)
        record: dict[str, Any] = {
            "service": spec.name,
            "before": {k: spec.env.get(k) for k in env},
            "injected": dict(env),
        }
        sp.write_record(override_file, record)
        sp.write_spec(self._api, spec, sp.with_env(spec, env))
        self.tasks.wait_update(spec.name, UPDATE_WAIT_S)
        sp.write_record(override_file, {**record, "spec_after": self._spec(service).digest})

    def restore_env(self, service: str, override_file: Path) -> None:
        record = sp.read_record(override_file)
        if record is None:
            return  # nothing was recorded, so nothing was changed
        spec = self._spec(service)
        changes = sp.restore_changes(record, spec)
        if changes is not None:
            sp.write_spec(self._api, spec, sp.with_env(spec, changes))
            self.tasks.wait_update(spec.name, UPDATE_WAIT_S)

    # --- profiles: services deployed at 0 replicas and labelled with their profile ------------

    def enable_profile(self, profile: str) -> list[str]:
        started = []
        for service in self._profile_services(profile):
            spec = self._spec(service)
            if spec.replicas == 0:
                sp.write_spec(self._api, spec, sp.with_replicas(spec, 1, {}))
                started.append(service)
        return started

    def disable_profile(self, profile: str, services: list[str]) -> None:
        for service in services:
            spec = self._spec(service)
            sp.write_spec(self._api, spec, sp.with_replicas(spec, 0, {}))

    def _profile_services(self, profile: str) -> list[str]:
        label = f"{sp.PROFILE_LABEL}={profile}"
        found = self._api.services(filters={"label": [f"{sp.STACK_LABEL}={self.stack}", label]})
        return sorted(s["Spec"]["Name"].removeprefix(f"{self.stack}_") for s in found)

    # --- logs, events, health ---------------------------------------------------------------

    def logs(
        self, services: list[str], since: datetime, until: datetime | None = None
    ) -> list[LogLine]:
        lines: list[LogLine] = []
        for service in services:
            for raw in self.tasks.log_lines(self.full(service), since):
                line = parse_log_line(service, raw)
                if until is None or line.at is None or line.at <= until:
                    lines.append(line)
        return lines

    def events(self, since: datetime) -> Iterator[ContainerEvent]:
        return SwarmEventStream(self._sdk, self.stack, since, self._clock)

    def wait_healthy(self, services: list[str] | None, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            names = services if services is not None else self.services()
            if all(is_up(self.state(s)) for s in names if self._spec(s).replicas != 0):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)

    def _container_verb(self, container: Any, verb: str) -> None:
        try:
            getattr(container, verb)()
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot {verb} task {container.name}: {exc}") from exc


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")
