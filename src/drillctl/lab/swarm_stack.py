"""The reference lab as a swarm stack: ``drillctl lab up|down|status --swarm``.

``up`` builds the images as the compose lab does, puts the engine in a single-node swarm when it is
in none (and records that drillctl did, in the state directory), generates the stack file from
``compose/`` (:mod:`drillctl.lab.swarm_file`), deploys it from the local images and waits until
every service is running and healthy. ``down`` removes the stack, its containers and networks
(volumes with ``--volumes``), and leaves the swarm only when drillctl initialised it, so the
engine ends in the swarm state it had before.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from drillctl.core.errors import TargetError
from drillctl.lab.quiet import wait_until_quiet
from drillctl.lab.stack import DEFAULT_PROJECT, LabStack, ServiceStatus
from drillctl.lab.swarm_file import stack_document
from drillctl.target import docker_cli


def _quiet(line: str) -> None:
    """The default progress report: say nothing."""


INIT_RECORD = "swarm-initialised-by-drillctl.json"
ADVERTISE_ADDR = "127.0.0.1"


class SwarmLab:
    def __init__(
        self,
        stack_name: str = DEFAULT_PROJECT,
        env: Mapping[str, str] | None = None,
        *,
        project_dir: Path | None = None,
        state_dir: Path | None = None,
        wait_timeout: float = 300.0,
    ) -> None:
        self.compose = LabStack(stack_name, env, project_dir=project_dir, wait_timeout=wait_timeout)
        self.stack_name = stack_name
        self.env = self.compose.env
        # the lab's own state dir, not DRILLCTL_STATE_DIR: whoever takes the lab down (a suite
        # with its own state dir, `lab down` in another shell) must find the swarm-init record
        self.state_dir = Path(state_dir or self.compose.project_dir / ".drillctl")
        self.wait_timeout = wait_timeout

    @property
    def project_name(self) -> str:
        return self.stack_name

    @property
    def project_dir(self) -> Path:
        return self.compose.project_dir

    @property
    def compose_files(self) -> list[Path]:
        return self.compose.compose_files

    @property
    def endpoints(self) -> Any:
        return self.compose.endpoints

    @property
    def stack_file(self) -> Path:
        return self.state_dir / "swarm" / f"{self.stack_name}.stack.yaml"

    # -- verbs --------------------------------------------------------------------------------
    def up(
        self, smoke: bool = False, build: bool = True, report: Callable[[str], None] = _quiet
    ) -> None:
        self.compose.ensure_docker()
        if build:
            self.compose._ensure_build_inputs(report)
            report("building the lab images (the first build takes a few minutes)")
            self.compose._compose(["--profile", "smoke", "build", "--quiet"], timeout=1800)
        self.ensure_swarm()
        self.write_stack_file()
        report(f"deploying the stack {self.stack_name} and waiting until every task runs")
        self._docker(["stack", "deploy", "--resolve-image", "never", "--prune", "-c",
                      str(self.stack_file), self.stack_name], timeout=300)  # fmt: skip
        if smoke:
            self._docker(["service", "scale", "--detach", f"{self.stack_name}_smoke=1"])
        self.wait_running()
        wait_until_quiet(self.endpoints.prometheus_url, report)

    def down(self, volumes: bool = False) -> None:
        self.compose.ensure_docker()
        if self.swarm_state() == "active":
            self._docker(["stack", "rm", self.stack_name], timeout=120)
            self._wait_gone()
        if volumes:
            self._remove_volumes()
        self.leave_if_initialised()

    def status(self) -> list[ServiceStatus]:
        self.compose.ensure_docker()
        if self.swarm_state() != "active":
            return []
        out = self._docker(["stack", "services", self.stack_name, "--format", "{{json .}}"])
        return sorted(
            (_service_status(self.stack_name, json.loads(line)) for line in out.splitlines()),
            key=lambda s: s.service,
        )

    # -- swarm membership ---------------------------------------------------------------------
    def swarm_state(self) -> str:
        return self._docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]).strip()

    def ensure_swarm(self) -> None:
        """Initialise a single-node swarm when the engine is in none; record that we did."""
        if self.swarm_state() == "active":
            return
        record = self.state_dir / INIT_RECORD
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"stack": self.stack_name}), encoding="utf-8")
        self._docker(["swarm", "init", "--advertise-addr", ADVERTISE_ADDR])

    def leave_if_initialised(self) -> None:
        record = self.state_dir / INIT_RECORD
        if not record.is_file():
            return
        if self.swarm_state() == "active":
            if self._other_stacks():
                return  # someone deployed a stack meanwhile: keep the swarm (and the record)
            self._docker(["swarm", "leave", "--force"], timeout=120)
        record.unlink()

    def _other_stacks(self) -> list[str]:
        out = self._docker(["stack", "ls", "--format", "{{.Name}}"])
        return [name for name in out.split() if name != self.stack_name]

    # -- internals ------------------------------------------------------------------------------
    def write_stack_file(self) -> Path:
        config = self.compose._compose(["--profile", "smoke", "config", "--format", "json"])
        swarm_dir = self.compose.project_dir / "swarm"
        document = stack_document(json.loads(config), swarm_dir)
        self.stack_file.parent.mkdir(parents=True, exist_ok=True)
        header = "# generated by drillctl lab up --swarm from compose/compose.yaml; do not edit\n"
        self.stack_file.write_text(header + yaml.dump(document, Dumper=_NoAliases, sort_keys=False))
        return self.stack_file

    def wait_running(self) -> None:
        """Every service at its replica count, each task healthy (swarm waits for health)."""
        deadline = time.monotonic() + self.wait_timeout
        while time.monotonic() < deadline:
            pending = [s for s in self.status() if s.state not in ("running", "scaled to 0")]
            if not pending:
                return
            time.sleep(2)
        names = ", ".join(f"{s.service} {s.container}" for s in pending)
        raise TargetError(f"the swarm lab is not running after {self.wait_timeout:.0f} s: {names}")

    def _wait_gone(self, timeout: float = 120) -> None:
        """``stack rm`` returns at once; volumes and a swarm leave need the containers gone."""
        label = f"label=com.docker.stack.namespace={self.stack_name}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._docker(["ps", "-aq", "--filter", label]).split():
                return
            time.sleep(1)
        raise TargetError(f"the containers of stack {self.stack_name} are still there")

    def _remove_volumes(self) -> None:
        label = f"label=com.docker.stack.namespace={self.stack_name}"
        names = self._docker(["volume", "ls", "-q", "--filter", label]).split()
        if names:
            self._docker(["volume", "rm", *names])

    def _docker(self, args: list[str], timeout: float = 60) -> str:
        return docker_cli.docker(args, self.env, timeout=timeout)


class _NoAliases(yaml.SafeDumper):
    """Repeated values written out in full: the generated file reads as plain data."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _service_status(stack: str, item: Mapping[str, str]) -> ServiceStatus:
    """``docker stack services`` JSON: Replicas reads ``2/2`` (running/desired)."""
    running, _, desired = str(item.get("Replicas", "0/0")).partition("/")
    desired = desired.split()[0] if desired else "0"
    state = "running" if running == desired else "starting"
    name = str(item.get("Name", "")).removeprefix(f"{stack}_")
    return ServiceStatus(
        name, f"{running}/{desired}", "scaled to 0" if desired == "0" else state, ""
    )


def lab_for(swarm: bool, name: str, env: Mapping[str, str] | None = None) -> Any:
    """The compose lab or the swarm lab of that name (same verbs)."""
    return SwarmLab(name, env) if swarm else LabStack(name, env)
