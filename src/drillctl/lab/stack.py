"""The reference lab (``compose/``) as one object: build, start and wait for health, stop, inspect.

Every Docker call goes through ``target/docker_cli.py`` (``docker compose ...`` as argv lists);
failures become :class:`~drillctl.core.errors.TargetError` with the tail of Docker's own message.
``up()`` is idempotent: services already running and unchanged are left alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from drillctl.core.errors import TargetError
from drillctl.lab.endpoints import LabEndpoints
from drillctl.lab.progress import HealthWatch, Report, quiet
from drillctl.lab.quiet import wait_until_quiet
from drillctl.target import docker_cli
from drillctl.target.docker_cli import ComposeCli

DEFAULT_PROJECT = "ebit-lab"
COMPOSE_FILE = "compose.yaml"
PROFILES = ("smoke", "full-observability")
IMAGES = ("ebit-lab-infra:bookworm", "ebit-lab-python:bookworm")
BASE_IMAGE = "debian:bookworm-slim"
PREREQS_HINT = "run `make lab-prereqs` (scripts/lab-prereqs.sh) to install and start Docker"


def default_lab_dir(cwd: Path | None = None) -> Path:
    """``EBIT_LAB_DIR``, else ``compose/`` of the checkout drillctl is installed from (editable),
    else ``compose/`` of the current directory: an installed drillctl (pipx, another venv) run
    from a clone's root drives that clone's lab."""
    override = os.environ.get("EBIT_LAB_DIR")
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[3] / "compose"
    if (checkout / COMPOSE_FILE).is_file():
        return checkout
    return (cwd or Path.cwd()) / "compose"


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    container: str
    state: str  # running | exited | paused | restarting | created | missing
    health: str  # healthy | unhealthy | starting | "" (no healthcheck or not running)


class LabStack:
    def __init__(
        self,
        project_name: str = DEFAULT_PROJECT,
        env: Mapping[str, str] | None = None,
        *,
        project_dir: Path | None = None,
        wait_timeout: float = 300.0,
    ) -> None:
        self.project_name = project_name
        self.env = {"COMPOSE_BAKE": "false", **os.environ, **(env or {})}
        self.project_dir = (project_dir or default_lab_dir()).resolve()
        self.compose_files = [self.project_dir / COMPOSE_FILE]
        self.wait_timeout = wait_timeout

    @property
    def endpoints(self) -> LabEndpoints:
        return LabEndpoints.from_env(self.env)

    @property
    def _compose(self) -> ComposeCli:
        return ComposeCli(self.project_name, self.project_dir, self.compose_files, self.env)

    def compose_args(self) -> list[str]:
        """The argv prefix of every compose call on this lab."""
        return self._compose.args()

    # -- verbs --------------------------------------------------------------------------------
    def up(self, smoke: bool = False, build: bool = True, report: Report = quiet) -> None:
        """Build missing or stale images, start the stack, wait until every service is healthy,
        then (bounded, never an error) until the lab is quiet (lab/quiet.py).

        ``report`` receives one short line per step and per service health change."""
        self.ensure_docker()
        if build:
            self._ensure_build_inputs(report)
            report("building the lab images (the first build takes a few minutes)")
            started = time.monotonic()
            self._compose(["--profile", "smoke", "build", "--quiet"], timeout=1800)
            report(f"images ready in {time.monotonic() - started:.0f} s")
        profile = ["--profile", "smoke"] if smoke else []
        wait = ["--wait", "--wait-timeout", str(int(self.wait_timeout))]
        report("starting the services and waiting until each one is healthy")
        with HealthWatch(self._containers, report):
            self._compose(
                [*profile, "up", "--detach", "--no-build", *wait], timeout=self.wait_timeout + 60
            )
        report("the lab is up and healthy")
        wait_until_quiet(self.endpoints.prometheus_url, report)

    def down(self, volumes: bool = False) -> None:
        self.ensure_docker()
        profiles = [arg for name in PROFILES for arg in ("--profile", name)]
        self._compose(
            [*profiles, "down", "--remove-orphans", *(["--volumes"] if volumes else [])],
            timeout=300,
        )

    def status(self) -> list[ServiceStatus]:
        """Each service the default profiles define, plus any other service with a container."""
        self.ensure_docker()
        found = {s.service: s for s in self._containers()}
        defined = self._compose(["config", "--services"]).split()
        missing = [ServiceStatus(name, "", "missing", "") for name in defined if name not in found]
        return sorted([*found.values(), *missing], key=lambda s: s.service)

    def logs(self, service: str, *, tail: int | None = None, follow: bool = False) -> int:
        """Stream a service's logs to this process's stdout; return docker's exit code."""
        self.ensure_docker()
        args = ["--profile", "smoke", "logs", "--no-color"]
        args += [
            *(["--tail", str(tail)] if tail is not None else []),
            *(["--follow"] if follow else []),
            service,
        ]
        return self._compose.stream(args)

    def ensure_docker(self) -> None:
        """The lab's compose file is here and the Docker engine answers; else a TargetError."""
        if not self.compose_files[0].is_file():
            raise TargetError(
                f"no reference lab at {self.project_dir} ({COMPOSE_FILE} is missing)",
                hint="run drillctl from the root of a drillctl clone, or set EBIT_LAB_DIR",
            )
        docker_cli.engine_answers(self.env, hint=PREREQS_HINT)

    # -- internals ------------------------------------------------------------------------------
    def _ensure_build_inputs(self, report: Callable[[str], None]) -> None:
        """The base image and the wheelhouse come from scripts/lab-prereqs.sh: run it if needed."""
        wheels = self.project_dir / ".wheels"
        if docker_cli.image_exists(BASE_IMAGE, self.env) and any(wheels.glob("*.whl")):
            return
        script = self.project_dir.parent / "scripts" / "lab-prereqs.sh"
        if not script.is_file():
            raise TargetError(f"{BASE_IMAGE} or {wheels} is missing", hint=PREREQS_HINT)
        report(f"preparing the base image and the wheelhouse ({script.name})")
        done = docker_cli.run([str(script)], self.prereqs_env(), timeout=1800)
        if done.returncode != 0:
            raise TargetError(f"{script} failed:\n{docker_cli.tail(done.stderr or done.stdout)}")

    def prereqs_env(self) -> dict[str, str]:
        """The script builds the wheelhouse with the interpreter drillctl runs under, wherever
        drillctl is installed (not the clone's .venv, which a pipx install does not have)."""
        return {**self.env, "DRILLCTL_PYTHON": sys.executable}

    def _containers(self) -> list[ServiceStatus]:
        return [_service_status(item) for item in self._compose.ps(["--profile", "smoke"])]


def _service_status(item: Mapping[str, object]) -> ServiceStatus:
    return ServiceStatus(
        service=str(item.get("Service", "")),
        container=str(item.get("Name", "")),
        state=str(item.get("State", "")),
        health=str(item.get("Health", "") or ""),
    )
