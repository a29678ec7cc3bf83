"""Safety by default: drillctl drills the local docker engine, and another only when told to.

The engine a docker CLI would talk to is found the way the CLI finds it: ``DOCKER_HOST``, else
the docker context named by ``DOCKER_CONTEXT`` or ``currentContext`` in the docker config.json
(read from the context store on disk, no subprocess). A unix socket, a named pipe or a TCP address
on the loopback is local; anything else (``ssh://ci-host``, ``tcp://10.0.0.5:2376``) is refused
unless its URL or its context name is listed in ``safety.allowed_docker_hosts``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from drillctl.core.errors import ConfigError

SETTING = "safety.allowed_docker_hosts"
LOCAL_SCHEMES = ("unix", "npipe", "fd")
LOOPBACK = ("localhost", "127.0.0.1", "::1", "ip6-localhost")


@dataclass(frozen=True)
class DockerEndpoint:
    host: str | None  # None: the docker default (the local unix socket)
    source: str  # "DOCKER_HOST", "docker context NAME" or "default"
    context: str | None = None

    def describe(self) -> str:
        if self.source == "DOCKER_HOST":
            return f"DOCKER_HOST={self.host}"
        return f"{self.source} ({self.host or 'the local socket'})"


def docker_config_dir(env: Mapping[str, str]) -> Path:
    return Path(env["DOCKER_CONFIG"]) if env.get("DOCKER_CONFIG") else Path.home() / ".docker"


def resolve_endpoint(env: Mapping[str, str]) -> DockerEndpoint:
    """Which engine the docker CLI (and so python-on-whales) would talk to."""
    if env.get("DOCKER_HOST"):
        return DockerEndpoint(host=env["DOCKER_HOST"], source="DOCKER_HOST")
    config = docker_config_dir(env)
    name = env.get("DOCKER_CONTEXT") or _current_context(config)
    if not name or name == "default":
        return DockerEndpoint(host=None, source="default")
    return DockerEndpoint(
        host=_context_host(config, name), source=f"docker context {name}", context=name
    )


def _current_context(config: Path) -> str | None:
    try:
        data = json.loads((config / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("currentContext") if isinstance(data, dict) else None
    return str(value) if value else None


def _context_host(config: Path, name: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / digest / "meta.json"
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        return str(data["Endpoints"]["docker"]["Host"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"docker context {name!r} is selected but cannot be read ({meta})",
            hint="run `docker context ls`, or unset DOCKER_CONTEXT",
        ) from exc


def is_local(host: str | None) -> bool:
    if not host:
        return True
    parts = urlsplit(host)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    name = parts.hostname or ""
    return parts.scheme in ("tcp", "http", "https") and (
        name in LOOPBACK or name.startswith("127.")
    )


def check_endpoint(endpoint: DockerEndpoint, allowed: list[str]) -> None:
    """Refuse a non-local engine unless its URL or context name is allowed; name the setting."""
    if is_local(endpoint.host) or endpoint.host in allowed or (endpoint.context in allowed):
        return
    entry = endpoint.context or endpoint.host
    raise ConfigError(
        f"refusing to drill a docker engine that is not local: {endpoint.describe()}",
        hint=(
            f"to drill it on purpose, list it in {SETTING} "
            f'(drillctl.toml: [safety] allowed_docker_hosts = ["{entry}"], '
            f"or DRILLCTL_SAFETY_ALLOWED_DOCKER_HOSTS={entry}); or unset DOCKER_HOST / "
            "`docker context use default` to drill the local engine"
        ),
    )


def safe_endpoint(allowed: list[str], env: Mapping[str, str] | None = None) -> DockerEndpoint:
    endpoint = resolve_endpoint(os.environ if env is None else env)
    check_endpoint(endpoint, allowed)
    return endpoint
