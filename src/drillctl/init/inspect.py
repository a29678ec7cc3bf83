"""Pure inspection of a parsed compose configuration (``docker compose config`` JSON or raw YAML).

Both shapes are accepted: the normalised one (long port syntax, list healthcheck tests) and the
short forms people write by hand (``"127.0.0.1:8080:80/tcp"``, ``test: curl -f ...``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from drillctl.init.model import Healthcheck, Port, Project, Service, Tool
from drillctl.init.recognise import recognise

# most specific first: "prometheus-alertmanager" is Alertmanager, "redis_exporter" an exporter
_KIND_WORDS: list[tuple[Tool | None, tuple[str, ...]]] = [
    (Tool.EXPORTER, ("exporter",)),
    (None, ("pushgateway", "promtail", "operator")),
    (Tool.ALERTMANAGER, ("alertmanager",)),
    (Tool.LOKI, ("loki",)),
    (Tool.JAEGER, ("jaeger", "jaegertracing")),
    (Tool.GRAFANA, ("grafana",)),
    (Tool.PROMETHEUS, ("prometheus",)),
    (Tool.REDIS, ("redis", "valkey", "keydb")),
    (Tool.POSTGRES, ("postgres", "postgresql", "postgis", "timescaledb")),
]
_SKIP = object()


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def _image_words(image: str) -> set[str]:
    """Words of an image reference without its registry host, tag or digest."""
    path = image.split("@", 1)[0]
    parts = path.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    parts[-1] = parts[-1].split(":", 1)[0]
    return _words(" ".join(parts))


def _kind(words: set[str]) -> Tool | object | None:
    for kind, keys in _KIND_WORDS:
        if words & set(keys):
            return _SKIP if kind is None else kind
    return None


def detect_tool(name: str, image: str | None) -> Tool | None:
    """What a service looks like, from its image first and its name second."""
    for words in (_image_words(image) if image else set(), _words(name)):
        kind = _kind(words)
        if kind is _SKIP:
            return None
        if isinstance(kind, Tool):
            return kind
    return None


_SHORT_PORT = re.compile(
    r"^(?:(?P<ip>\[[^\]]+\]|[0-9]+(?:\.[0-9]+){3}):)?(?:(?P<pub>[0-9]+(?:-[0-9]+)?)?:)?(?P<target>[0-9]+(?:-[0-9]+)?)"
    r"(?:/(?P<proto>tcp|udp|sctp))?$"
)


def _first(number: Any) -> int | None:
    text = str(number).strip()
    if not text:
        return None
    return int(text.split("-", 1)[0])


def parse_port(raw: Any) -> Port | None:
    """One entry of ``ports:`` in long (mapping) or short (string, number) syntax."""
    if isinstance(raw, Mapping):
        published = raw.get("published")
        return Port(
            target=int(raw["target"]),
            published=None if published in (None, "") else _first(published),
            host_ip=str(raw.get("host_ip") or ""),
            protocol=str(raw.get("protocol") or "tcp"),
        )
    match = _SHORT_PORT.match(str(raw).strip())
    if not match:
        return None
    target = _first(match["target"])
    if target is None:
        return None
    return Port(
        target=target,
        published=_first(match["pub"]) if match["pub"] else None,
        host_ip=(match["ip"] or "").strip("[]"),
        protocol=match["proto"] or "tcp",
    )


def parse_healthcheck(raw: Any) -> Healthcheck | None:
    if not isinstance(raw, Mapping):
        return None
    if raw.get("disable") or raw.get("disabled"):
        return Healthcheck(test=(), disabled=True)
    test = raw.get("test")
    if test is None:
        return None
    if isinstance(test, str):
        return Healthcheck(test=(test,))
    argv = [str(t) for t in test]
    if argv and argv[0] == "NONE":
        return Healthcheck(test=(), disabled=True)
    if argv and argv[0] in ("CMD", "CMD-SHELL"):
        argv = argv[1:]
    return Healthcheck(test=tuple(argv))


def _bind_mounts(volumes: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    mounts: list[tuple[str, str]] = []
    for vol in volumes:
        if isinstance(vol, Mapping):
            if vol.get("type", "bind") == "bind" and vol.get("source") and vol.get("target"):
                mounts.append((str(vol["source"]), str(vol["target"])))
        elif isinstance(vol, str) and vol.count(":") >= 1:
            source, target = vol.split(":")[:2]
            if source.startswith((".", "/", "~")):
                mounts.append((source, target))
    return tuple(mounts)


def parse_service(name: str, raw: Mapping[str, Any]) -> Service:
    image = raw.get("image")
    ports = tuple(p for p in (parse_port(r) for r in raw.get("ports") or ()) if p is not None)
    service = Service(
        name=name,
        image=str(image) if image else None,
        built="build" in raw,
        ports=ports,
        healthcheck=parse_healthcheck(raw.get("healthcheck")),
        profiles=tuple(str(p) for p in raw.get("profiles") or ()),
        tool=detect_tool(name, str(image) if image else None),
        volumes=_bind_mounts(raw.get("volumes") or ()),
    )
    if service.tool is not None or _looks_like_other(name, service.image):
        return service
    return replace(service, tool=recognise(service, raw.get("entrypoint"), raw.get("command")))


def _looks_like_other(name: str, image: str | None) -> bool:
    """An exporter, pushgateway, promtail...: its name says what it is not, whatever it runs."""
    words = _words(name) | (_image_words(image) if image else set())
    return _kind(words) is _SKIP


def project_name(config: Mapping[str, Any], project_dir: Path) -> str:
    """The compose project name: the config's ``name:``, else the folder's name, normalised."""
    name = config.get("name")
    if name:
        return str(name)
    return re.sub(r"[^a-z0-9_-]", "", project_dir.resolve().name.lower()) or "default"


def inspect_config(
    config: Mapping[str, Any], *, project_dir: Path, files: Sequence[Path], how: str
) -> Project:
    """A ``Project`` from a parsed compose configuration."""
    services = config.get("services") or {}
    return Project(
        name=project_name(config, project_dir),
        dir=project_dir,
        files=tuple(files),
        services=tuple(parse_service(str(n), raw or {}) for n, raw in sorted(services.items())),
        how=how,
    )
