"""The tasks of a stack's services and the containers of those tasks that run on this node.

Swarm schedules tasks on any node; a container can only be reached (exec, kill, pause) through
the engine of the node it runs on. drillctl talks to one engine, so a verb that needs a container
looks for one on this node and, when every task runs elsewhere, says where they are instead.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import docker
import docker.errors

from drillctl.core.errors import TargetError
from drillctl.target.base import ServiceState
from drillctl.target.swarm_spec import SERVICE_NAME_LABEL, TASK_ID_LABEL


class TaskView:
    def __init__(self, sdk: docker.DockerClient, stack: str) -> None:
        self._sdk = sdk
        self.stack = stack

    def node_id(self) -> str:
        try:
            return str(self._sdk.info().get("Swarm", {}).get("NodeID") or "")
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot reach the docker engine: {exc}") from exc

    def tasks(self, full: str) -> list[dict[str, Any]]:
        """The tasks swarm wants running (a killed one stays here until it is replaced)."""
        try:
            found = self._sdk.api.tasks(filters={"service": full, "desired-state": "running"})
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot list the tasks of {full}: {exc}") from exc
        return [t for t in found if t.get("ServiceID") and _service_name(t, full)]

    def local(self, full: str, *, status: str | None = None) -> list[Any]:
        filters: dict[str, Any] = {"label": [f"{SERVICE_NAME_LABEL}={full}"]}
        if status:
            filters["status"] = status
        try:
            found = self._sdk.containers.list(all=True, filters=filters, ignore_removed=True)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot list the task containers of {full}: {exc}") from exc
        return sorted(found, key=lambda c: c.name)

    def local_running(self, full: str, service: str) -> list[Any]:
        """Running task containers of this node; if none, a TargetError saying where they run."""
        running = self.local(full, status="running")
        if running:
            return running
        nodes = sorted({t.get("NodeID", "?")[:12] for t in self.tasks(full) if _running(t)})
        where = f"its running tasks are on node(s) {', '.join(nodes)}" if nodes else "none runs"
        raise TargetError(
            f"no task of {service} runs on this node ({self.node_id()[:12]}): {where}",
            hint="drillctl reaches task containers through this node's engine only "
            "(docs/swarm.md, multi-node swarms)",
        )

    def state(self, service: str, full: str, replicas: int | None) -> ServiceState:
        tasks = self.tasks(full)
        wanted = {t["ID"] for t in tasks}
        local = [c for c in self.local(full) if c.labels.get(TASK_ID_LABEL) in wanted]
        running = sum(1 for t in tasks if _running(t))
        desired = len(tasks) if replicas is None else replicas
        return ServiceState(
            service=service,
            containers=desired,
            running=running,
            state=_state_word(desired, running, [c.status for c in local]),
            health=_health(local),
        )

    def wait_not_running(self, full: str, task_ids: set[str | None], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(t["ID"] in task_ids and _running(t) for t in self.tasks(full)):
                return
            time.sleep(0.1)

    def wait_update(self, full: str, timeout: float) -> None:
        """Until the rolling update of ``full`` is over; a paused or rolled-back one is an error."""
        deadline = time.monotonic() + timeout
        while True:
            state = self._update_state(full)
            if state in (None, "completed"):
                return
            if state in ("paused", "rollback_started", "rollback_completed", "rollback_paused"):
                raise TargetError(f"the update of {full} did not complete: swarm says {state}")
            if time.monotonic() >= deadline:
                raise TargetError(f"the update of {full} is still {state} after {timeout:.0f} s")
            time.sleep(0.5)

    def _update_state(self, full: str) -> str | None:
        try:
            data = self._sdk.api.inspect_service(full)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot inspect swarm service {full}: {exc}") from exc
        return (data.get("UpdateStatus") or {}).get("State")

    def log_lines(self, full: str, since: datetime) -> list[str]:
        try:
            raw = self._sdk.api.service_logs(
                full, stdout=True, stderr=True, timestamps=True, since=int(since.timestamp())
            )
            data = raw if isinstance(raw, bytes) else b"".join(raw)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot read the logs of {full}: {exc}") from exc
        return [line for line in data.decode("utf-8", errors="replace").splitlines() if line]


def _service_name(task: dict[str, Any], full: str) -> bool:
    labels = task.get("Spec", {}).get("ContainerSpec", {}).get("Labels") or {}
    return labels.get(SERVICE_NAME_LABEL, full) == full


def _running(task: dict[str, Any]) -> bool:
    return bool(task.get("Status", {}).get("State") == "running")


def _state_word(desired: int, running: int, local_statuses: list[str]) -> str:
    if "paused" in local_statuses:
        return "paused" if set(local_statuses) == {"paused"} else "mixed"
    if desired == 0:
        return "exited"
    if running == desired:
        return "running"
    return "starting" if running == 0 else "mixed"


def _health(containers: list[Any]) -> str | None:
    running = [c for c in containers if c.status == "running"]
    known = [c.attrs.get("State", {}).get("Health", {}).get("Status") for c in running]
    known = [h for h in known if h]
    if not known:
        return None
    return known[0] if len(set(known)) == 1 else "unhealthy"
