"""The compose driver's fault helpers and resource limits, through the docker SDK.

A helper is a short-lived container of drillctl's own image (``builtin/netns-helper``: Debian's
iproute2 + iptables + python3), built locally on first use, that joins one service container's
network namespace (and process namespace, for disk-fill) with NET_ADMIN: nothing is installed in
the target. Each helper carries the labels of ``target.base`` (project, run id, fault), so
``recover`` finds them after a hard kill. Library errors become ``TargetError`` here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import docker
import docker.errors

from drillctl.core.errors import TargetError
from drillctl.target.base import HELPER_LABEL, HelperState

HELPER_REPOSITORY = "drillctl-netns-helper"
HELPER_CAPS = ["NET_ADMIN", "NET_RAW"]
PID_CAPS = ["SYS_PTRACE", "DAC_OVERRIDE"]  # to reach the target's files through /proc/1/root
# docker inspect HostConfig keys that the limit faults read and restore
LIMIT_KEYS = ("NanoCpus", "CpuQuota", "CpuPeriod", "Memory", "MemorySwap")


def helper_context() -> Path:
    return Path(str(files("drillctl") / "builtin" / "netns-helper"))


def helper_tag() -> str:
    """The image tag names the content: a changed helper is rebuilt, an unchanged one reused."""
    digest = hashlib.sha256()
    for path in sorted(helper_context().glob("*")):
        if not path.is_file() or path.suffix == ".pyc":
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{HELPER_REPOSITORY}:{digest.hexdigest()[:12]}"


def ensure_helper_image(sdk: docker.DockerClient) -> str:
    tag = helper_tag()
    try:
        sdk.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.DockerException as exc:
        raise TargetError(f"cannot inspect the helper image {tag}: {exc}") from exc
    try:
        sdk.images.build(path=str(helper_context()), tag=tag, rm=True, pull=False)
    except docker.errors.DockerException as exc:
        raise TargetError(
            f"cannot build drillctl's helper image {tag} (FROM debian:bookworm-slim, apt-get "
            f"install iproute2 iptables python3): {exc}; the network and disk faults need it"
        ) from exc
    return tag


class ComposeHelpers:
    """Mixed into ``ComposeDriver``: needs its ``sdk()``, ``_containers()`` and ``project``."""

    project: Any

    def sdk(self) -> docker.DockerClient:
        raise NotImplementedError

    def _containers(self, service: str | None = None, *, all_: bool = True) -> list[Any]:
        raise NotImplementedError

    def _running(self, service: str) -> Any:
        running = [c for c in self._containers(service, all_=False) if c.status == "running"]
        if not running:
            raise TargetError(f"service {service} has no running container")
        return running[0]

    def _helper(self, helper_id: str) -> Any | None:
        try:
            return self.sdk().containers.get(helper_id)
        except docker.errors.NotFound:
            return None
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot inspect helper {helper_id[:12]}: {exc}") from exc

    def run_helper(
        self, service: str, argv: list[str], *, labels: Mapping[str, str], pid: bool = False
    ) -> str:
        target = self._running(service)
        options: dict[str, Any] = {"network_mode": f"container:{target.id}"}
        if pid:
            options["pid_mode"] = f"container:{target.id}"
        caps = HELPER_CAPS + (PID_CAPS if pid else [])
        try:
            helper = self.sdk().containers.run(
                ensure_helper_image(self.sdk()),
                argv,
                detach=True,
                cap_add=caps,
                labels={HELPER_LABEL: str(self.project.name), **labels},
                **options,
            )
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot start a helper in {service}'s namespace: {exc}") from exc
        return str(helper.id)

    def helper_state(self, helper_id: str) -> HelperState:
        helper = self._helper(helper_id)
        if helper is None:
            return HelperState(helper_id, "missing", None, "")
        state = helper.attrs.get("State", {})
        code = state.get("ExitCode") if helper.status == "exited" else None
        output = helper.logs(stdout=True, stderr=True).decode("utf-8", errors="replace")
        return HelperState(helper_id, str(helper.status), code, output)

    def stop_helper(self, helper_id: str, timeout: float) -> HelperState:
        helper = self._helper(helper_id)
        if helper is not None and helper.status in ("running", "created"):
            try:
                helper.stop(timeout=int(timeout))  # SIGTERM; SIGKILL after timeout
            except docker.errors.DockerException as exc:
                raise TargetError(f"cannot stop helper {helper_id[:12]}: {exc}") from exc
        return self.helper_state(helper_id)

    def remove_helper(self, helper_id: str) -> None:
        helper = self._helper(helper_id)
        if helper is not None:
            try:
                helper.remove(force=True)
            except docker.errors.NotFound:
                pass
            except docker.errors.DockerException as exc:
                raise TargetError(f"cannot remove helper {helper_id[:12]}: {exc}") from exc

    def helpers(self, labels: Mapping[str, str]) -> list[str]:
        wanted = [f"{k}={v}" for k, v in {HELPER_LABEL: self.project.name, **labels}.items()]
        try:
            found = self.sdk().containers.list(all=True, filters={"label": wanted})
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot list helper containers: {exc}") from exc
        return [str(c.id) for c in found]

    def addresses(self, service: str) -> list[str]:
        found = []
        for container in self._containers(service, all_=False):
            networks = container.attrs.get("NetworkSettings", {}).get("Networks") or {}
            found += [n["IPAddress"] for n in networks.values() if n.get("IPAddress")]
        return sorted(set(found))

    def limits(self, service: str) -> dict[str, int]:
        host = self._running(service).attrs.get("HostConfig", {})
        try:
            cpus = int(self.sdk().info().get("NCPU") or 0)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot read the engine's CPU count: {exc}") from exc
        return {**{key: int(host.get(key) or 0) for key in LIMIT_KEYS}, "NCPU": cpus}

    def update_limits(self, service: str, limits: Mapping[str, int]) -> None:
        # The SDK's Container.update has no NanoCpus (what `cpus:` in compose sets), so post the
        # engine's own update body.
        api = self.sdk().api
        target = self._running(service)
        try:
            answer = api._post_json(api._url("/containers/{0}/update", target.id), data=limits)
            api._raise_for_status(answer)
        except docker.errors.DockerException as exc:
            raise TargetError(f"cannot update the limits of {service}: {exc}") from exc
