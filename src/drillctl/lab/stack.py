"""The reference lab (``compose/``) as one object: build, start and wait for health, stop, inspect.

Every Docker call is an argv list run through :func:`subprocess.run` (``docker compose ...``);
failures become :class:`~drillctl.core.errors.TargetError` with the tail of Docker's own message.
``up()`` is idempotent: services already running and unchanged are left alone.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from drillctl.core.errors import TargetError
from drillctl.lab.endpoints import LabEndpoints

DEFAULT_PROJECT = "ebit-lab"
COMPOSE_FILE = "compose.yaml"
PROFILES = ("smoke", "full-observability")
IMAGES = ("ebit-lab-infra:bookworm", "ebit-lab-python:bookworm")
BASE_IMAGE = "debian:bookworm-slim"
PREREQS_HINT = "run `make lab-prereqs` (scripts/lab-prereqs.sh) to install and start Docker"


def default_lab_dir() -> Path:
    """``compose/`` of this checkout (``EBIT_LAB_DIR`` overrides it)."""
    override = os.environ.get("EBIT_LAB_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[3] / "compose"


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

    def compose_args(self) -> list[str]:
        """The argv prefix of every compose call on this lab."""
        args = [
            "docker",
            "compose",
            "-p",
            self.project_name,
            "--project-directory",
            str(self.project_dir),
        ]
        for file in self.compose_files:
            args += ["-f", str(file)]
        return args

    # -- verbs --------------------------------------------------------------------------------
    def up(self, smoke: bool = False, build: bool = True) -> None:
        """Build missing or stale images, start the stack, wait until every service is healthy."""
        self.ensure_docker()
        if build:
            self._ensure_build_inputs()
            self._compose(["--profile", "smoke", "build", "--quiet"], timeout=1800)
        profile = ["--profile", "smoke"] if smoke else []
        self._compose(
            [
                *profile,
                "up",
                "--detach",
                "--no-build",
                "--wait",
                "--wait-timeout",
                str(int(self.wait_timeout)),
            ],
            timeout=self.wait_timeout + 60,
        )

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
        args = [*self.compose_args(), "--profile", "smoke", "logs", "--no-color"]
        args += [
            *(["--tail", str(tail)] if tail is not None else []),
            *(["--follow"] if follow else []),
            service,
        ]
        return _run(args, self.env, capture=False).returncode

    def ensure_docker(self) -> None:
        try:
            done = _run(["docker", "info", "--format", "{{.ServerVersion}}"], self.env, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TargetError(f"Docker is not usable here: {exc}", hint=PREREQS_HINT) from exc
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no answer"]
            raise TargetError(f"Docker engine unreachable: {reason[0]}", hint=PREREQS_HINT)

    # -- internals ------------------------------------------------------------------------------
    def _ensure_build_inputs(self) -> None:
        """The base image and the wheelhouse come from scripts/lab-prereqs.sh: run it if needed."""
        wheels = self.project_dir / ".wheels"
        if self._image_exists(BASE_IMAGE) and any(wheels.glob("*.whl")):
            return
        script = self.project_dir.parent / "scripts" / "lab-prereqs.sh"
        if not script.is_file():
            raise TargetError(f"{BASE_IMAGE} or {wheels} is missing", hint=PREREQS_HINT)
        done = _run([str(script)], self.env, timeout=1800)
        if done.returncode != 0:
            raise TargetError(f"{script} failed:\n{_tail(done.stderr or done.stdout)}")

    def _image_exists(self, image: str) -> bool:
        argv = ["docker", "image", "inspect", "--format", "{{.Id}}", image]
        return _run(argv, self.env, timeout=60).returncode == 0

    def _containers(self) -> list[ServiceStatus]:
        out = self._compose(["--profile", "smoke", "ps", "--all", "--format", "json"])
        return [_service_status(item) for item in _json_items(out)]

    def _compose(self, args: Sequence[str], timeout: float = 120) -> str:
        argv = [*self.compose_args(), *args]
        try:
            done = _run(argv, self.env, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise TargetError(
                f"`docker compose {' '.join(args)}` took more than {timeout:.0f} s"
            ) from exc
        if done.returncode != 0:
            raise TargetError(
                f"`docker compose {' '.join(args)}` failed:\n{_tail(done.stderr or done.stdout)}"
            )
        return done.stdout


def _run(
    argv: list[str], env: Mapping[str, str], *, timeout: float | None = None, capture: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - argv list built here, no shell
        argv, env=env, capture_output=capture, text=True, timeout=timeout, check=False
    )


def _json_items(text: str) -> list[dict[str, object]]:
    """``compose ps --format json`` prints one object per line (v2.21+) or one array (older)."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _service_status(item: Mapping[str, object]) -> ServiceStatus:
    return ServiceStatus(
        service=str(item.get("Service", "")),
        container=str(item.get("Name", "")),
        state=str(item.get("State", "")),
        health=str(item.get("Health", "") or ""),
    )


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
