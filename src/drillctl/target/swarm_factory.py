"""Build the swarm driver: the stack named by the settings, on the engine ``safety`` allowed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docker
import docker.errors

from drillctl.config import Settings
from drillctl.core.clock import Clock
from drillctl.core.errors import ConfigError, TargetError
from drillctl.target.safety import DockerEndpoint
from drillctl.target.swarm import SwarmDriver


def swarm_driver(
    settings: Settings,
    env: Mapping[str, str],
    cwd: Path,
    target: Mapping[str, Any],
    endpoint: DockerEndpoint,
    clock: Clock | None,
) -> SwarmDriver:
    """The stack is ``[project] name`` (or the journal's); the directory only holds the state."""
    stack = target.get("project") or settings.project.name
    if not stack:
        raise ConfigError(
            "the swarm driver needs the stack name",
            hint="set [project] name in drillctl.toml, DRILLCTL_PROJECT_NAME or -p STACK",
        )
    directory = Path(target.get("project_dir") or settings.project.dir or cwd).resolve()
    sdk = engine_client(endpoint)
    if not sdk.info().get("Swarm", {}).get("ControlAvailable"):
        raise TargetError(
            f"the docker engine ({endpoint.describe()}) is not a swarm manager",
            hint="drill a stack from a manager node (`docker node ls` works there)",
        )
    return SwarmDriver(str(stack), sdk=sdk, project_dir=directory, clock=clock)


def engine_client(endpoint: DockerEndpoint) -> docker.DockerClient:
    try:
        if endpoint.host:
            ssh = endpoint.host.startswith("ssh://")
            return docker.DockerClient(base_url=endpoint.host, use_ssh_client=ssh)
        return docker.from_env()
    except docker.errors.DockerException as exc:
        raise TargetError(f"cannot reach the docker engine: {exc}") from exc
