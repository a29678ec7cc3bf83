"""Reading and changing one swarm service's spec: replicas, environment, labels, forced updates.

Every change is a read-modify-write of the service spec at its current version (the engine refuses
a write at a stale version), through the docker SDK's API client: no CLI argv, so no environment
value ever shows in a process list. Library errors become ``TargetError`` here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors

from drillctl.core.errors import TargetError
from drillctl.target.swarm_labels import (  # noqa: F401 - the driver reads them from here
    PROFILE_LABEL,
    SCALED_FROM,
    SERVICE_NAME_LABEL,
    STACK_LABEL,
    TASK_ID_LABEL,
)


@dataclass(frozen=True)
class Spec:
    """A service's spec at one version (the version a write must name)."""

    id: str
    name: str
    version: int
    spec: dict[str, Any]

    @property
    def replicas(self) -> int | None:
        """Desired replicas; None for a global service (one task per node)."""
        mode = self.spec.get("Mode", {})
        return None if "Global" in mode else int(mode.get("Replicated", {}).get("Replicas", 1))

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.spec.get("Labels") or {})

    @property
    def env(self) -> dict[str, str]:
        pairs = self.spec.get("TaskTemplate", {}).get("ContainerSpec", {}).get("Env") or []
        return dict(p.split("=", 1) if "=" in p else (p, "") for p in pairs)

    @property
    def digest(self) -> str:
        """Changes with the spec, not with the version (the updater bumps that as it progresses)."""
        return hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def has_healthcheck(self) -> bool:
        check = self.spec.get("TaskTemplate", {}).get("ContainerSpec", {}).get("Healthcheck")
        return bool(check and check.get("Test") and check["Test"][0] != "NONE")


def read_spec(api: docker.APIClient, full_name: str) -> Spec:
    try:
        data = api.inspect_service(full_name)
    except docker.errors.NotFound as exc:
        raise TargetError(f"swarm service {full_name} does not exist") from exc
    except docker.errors.DockerException as exc:
        raise TargetError(f"cannot inspect swarm service {full_name}: {exc}") from exc
    return Spec(data["ID"], full_name, int(data["Version"]["Index"]), data["Spec"])


def write_spec(api: docker.APIClient, current: Spec, spec: dict[str, Any]) -> int:
    """Write ``spec`` at ``current``'s version; returns the new version."""
    try:
        api.update_service(
            current.id,
            current.version,
            task_template=spec.get("TaskTemplate"),
            name=spec.get("Name"),
            labels=spec.get("Labels") or {},
            mode=spec.get("Mode"),
            update_config=spec.get("UpdateConfig"),
            rollback_config=spec.get("RollbackConfig"),
            endpoint_spec=spec.get("EndpointSpec"),
        )
    except docker.errors.DockerException as exc:
        raise TargetError(f"cannot update swarm service {current.name}: {exc}") from exc
    return read_spec(api, current.name).version


def with_replicas(spec: Spec, replicas: int, labels: Mapping[str, str | None]) -> dict[str, Any]:
    new = json.loads(json.dumps(spec.spec))
    new["Mode"] = {"Replicated": {"Replicas": replicas}}
    merged = {**spec.labels, **labels}
    new["Labels"] = {k: v for k, v in merged.items() if v is not None}
    return new


def with_env(spec: Spec, changes: Mapping[str, str | None]) -> dict[str, Any]:
    """The spec with ``changes`` applied to the environment (None removes the key)."""
    env = {**spec.env, **changes}
    new = json.loads(json.dumps(spec.spec))
    container = new.setdefault("TaskTemplate", {}).setdefault("ContainerSpec", {})
    container["Env"] = [f"{k}={v}" for k, v in env.items() if v is not None]
    return new


def forced(spec: Spec) -> dict[str, Any]:
    """The spec with ForceUpdate bumped: swarm replaces every task (``service update --force``)."""
    new = json.loads(json.dumps(spec.spec))
    template = new.setdefault("TaskTemplate", {})
    template["ForceUpdate"] = int(template.get("ForceUpdate", 0)) + 1
    return new


# --- the env-override record: what a later process needs to put back only the changed keys -----


def write_record(path: Path, data: Mapping[str, Any]) -> None:
    """0600 JSON, fsynced: it holds the replaced values, which may be secrets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(dict(data), handle)
        handle.flush()
        os.fsync(handle.fileno())


def read_record(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise TargetError(f"cannot read the env-override record {path}: {exc}") from exc


def restore_changes(record: Mapping[str, Any], live: Spec) -> dict[str, str | None] | None:
    """The env changes that put back the recorded values; None when there is nothing to do.

    Refuses (``TargetError``) when the spec moved since the injection and the changed keys no
    longer hold the injected values: someone else updated the service, and writing the old values
    over their change would undo it.
    """
    before: dict[str, str | None] = record["before"]
    injected: dict[str, str] = record["injected"]
    now = live.env
    if all(now.get(k) == v for k, v in before.items()):
        return None  # already put back (a second revert, or the injection never landed)
    moved = record.get("spec_after") not in (None, live.digest)
    if moved or any(now.get(k) != v for k, v in injected.items()):
        raise TargetError(
            f"refusing to revert the env-override of {live.name}: its spec changed since the "
            f"injection (now at version {live.version}), so someone else updated it and writing "
            "the recorded values back would undo their change; put back "
            f"{', '.join(sorted(before))} by hand (`docker service inspect {live.name}`)"
        )
    return before
