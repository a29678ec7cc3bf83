"""The target driver: everything that touches Docker goes through this one interface.

The compose driver implements it with python-on-whales (compose verbs) and the docker SDK (event
stream, container state). A Kubernetes driver can implement it later; nothing above this layer
knows which one it talks to. Blocking calls are wrapped by callers with ``asyncio.to_thread``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drillctl.core.errors import TargetError


@dataclass(frozen=True)
class ServiceState:
    service: str
    containers: int  # how many containers the service has now
    running: int
    state: str  # running | exited | paused | restarting | missing | mixed
    health: str | None  # healthy | unhealthy | starting | None (no healthcheck)


def is_up(state: ServiceState) -> bool:
    """Every container running, and healthy when the service has a healthcheck (any driver)."""
    return (
        state.containers > 0
        and state.running == state.containers
        and state.health in (None, "healthy")
    )


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class ContainerEvent:
    service: str
    action: str  # die, start, stop, kill, pause, unpause, health_status: healthy, ...
    at: datetime  # the engine's own timestamp, UTC
    container_id: str
    exit_code: int | None = None  # a ``die``'s exit status (137: killed by SIGKILL)


@dataclass(frozen=True)
class HelperState:
    """A fault helper container (see ``run_helper``): its status and what it printed."""

    id: str
    status: str  # created | running | exited | missing
    exit_code: int | None
    output: str


# labels every helper container carries, so ``recover`` finds them by run id after a hard kill
HELPER_LABEL = "io.drillctl.helper"
HELPER_RUN_LABEL = "io.drillctl.run"
HELPER_FAULT_LABEL = "io.drillctl.fault"


@dataclass(frozen=True)
class LogLine:
    service: str
    at: datetime | None
    text: str


class TargetDriver(ABC):
    """One stack under drill (a compose project)."""

    name: str  # "compose"

    @abstractmethod
    def describe(self) -> dict[str, object]:
        """Project identity for the journal: driver, project name, directory, files."""

    @abstractmethod
    def services(self) -> list[str]:
        """Every service the project defines (whether running or not)."""

    @abstractmethod
    def state(self, service: str) -> ServiceState: ...

    @abstractmethod
    def stop(self, service: str, timeout: float | None = None) -> None: ...

    @abstractmethod
    def start(self, service: str) -> None: ...

    @abstractmethod
    def kill(self, service: str, signal: str = "SIGKILL") -> None: ...

    @abstractmethod
    def pause(self, service: str) -> None: ...

    @abstractmethod
    def unpause(self, service: str) -> None: ...

    @abstractmethod
    def restart(self, service: str, timeout: float | None = None) -> None: ...

    @abstractmethod
    def exec(self, service: str, argv: list[str], *, user: str | None = None) -> ExecResult:
        """Run argv in the service's container, no shell. Never raises on a non-zero exit."""

    @abstractmethod
    def environment(self, service: str) -> dict[str, str]:
        """The environment the project's own definition gives the service (not the live one)."""

    @abstractmethod
    def recreate_with_env(self, service: str, env: Mapping[str, str], override_file: Path) -> None:
        """Write an override file setting env on service, recreate the service with it."""

    @abstractmethod
    def recreate(self, service: str) -> None:
        """Recreate the service from the project's own definition (no override)."""

    def restore_env(self, service: str, override_file: Path) -> None:
        """Undo ``recreate_with_env`` (the same ``override_file``); idempotent.

        Compose recreates from the project's own files; swarm puts back only the changed keys.
        """
        self.recreate(service)

    @abstractmethod
    def enable_profile(self, profile: str) -> list[str]:
        """Start the services of a compose profile; returns the services it started."""

    @abstractmethod
    def disable_profile(self, profile: str, services: list[str]) -> None: ...

    def command_line(self, *args: str) -> str:
        """How a person runs ``args`` by hand on this target, for a failed revert's to-do."""
        return f"`{' '.join(args)}` with the tools of the {self.describe().get('driver')} target"

    def profile_services(self, profile: str) -> set[str] | None:
        """The services a profile defines; None when the driver cannot tell (then a drill stops
        none of them afterwards)."""
        return None

    @abstractmethod
    def logs(
        self, services: list[str], since: datetime, until: datetime | None = None
    ) -> list[LogLine]: ...

    @abstractmethod
    def events(self, since: datetime) -> Iterator[ContainerEvent]:
        """Container events of this project from ``since`` on; blocks; stops when closed."""

    @abstractmethod
    def wait_healthy(self, services: list[str] | None, timeout: float) -> bool: ...

    def inventory(self) -> list[dict[str, object]]:
        """What each service's containers run now, journalled at the start of a drill: service,
        container, state, image, image_id, image_created, definition_sha256. A driver that
        cannot tell returns an empty list."""
        return []

    # --- fault helpers and resource limits (network and resource faults) ----------------------
    # Not abstract: a driver without them refuses those faults in preflight, the others still work.

    def _unsupported(self, what: str) -> TargetError:
        return TargetError(f"the {self.name} target driver cannot {what}")

    def run_helper(
        self, service: str, argv: list[str], *, labels: Mapping[str, str], pid: bool = False
    ) -> str:
        """Start a helper container in the namespaces of the service's container (network, and
        the process namespace with ``pid``), with NET_ADMIN; returns its id."""
        raise self._unsupported("run a helper container")

    def helper_state(self, helper_id: str) -> HelperState:
        raise self._unsupported("inspect a helper container")

    def stop_helper(self, helper_id: str, timeout: float) -> HelperState:
        """SIGTERM the helper (it undoes its rules), wait at most ``timeout``, then kill it."""
        raise self._unsupported("stop a helper container")

    def remove_helper(self, helper_id: str) -> None:
        raise self._unsupported("remove a helper container")

    def helpers(self, labels: Mapping[str, str]) -> list[str]:
        """Ids of the helper containers carrying every one of ``labels`` (any state); a driver
        that cannot run helpers has none."""
        return []

    def addresses(self, service: str) -> list[str]:
        """The IPv4 addresses of the service's containers on the project's networks."""
        raise self._unsupported("read container addresses")

    def limits(self, service: str) -> dict[str, int]:
        """The service container's CPU and memory limits, as the engine holds them."""
        raise self._unsupported("read resource limits")

    def update_limits(self, service: str, limits: Mapping[str, int]) -> None:
        raise self._unsupported("change resource limits")
