"""The reference lab as a swarm stack file, generated from the lab's own compose file.

One source of truth: ``docker compose config`` resolves ``compose/compose.yaml`` (ports from
``EBIT_LAB_<NAME>_PORT``, absolute bind paths), and this pure function turns the result into what
``docker stack deploy`` needs on a machine without IPVS:

- every service: ``endpoint_mode: dnsrr`` (no virtual IP), restart on any exit, host-mode ports
  (no routing mesh; they bind every interface, so only what drillctl reaches is published);
- ``ebit-api`` at 2 replicas behind ``ebit-api-edge`` (compose/swarm/edge.py), which publishes
  the API port (a host-mode port binds once per node, so two replicas cannot both publish it);
- Prometheus reads compose/swarm/prometheus.yml (``dns_sd_configs`` on ``tasks.<service>``);
- ``smoke`` is deployed at 0 replicas with its profile as a label (the driver's profiles);
- what swarm ignores or refuses (build, depends_on, restart, profiles) is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drillctl.target.swarm_labels import PROFILE_LABEL

API = "ebit-api"
EDGE = "ebit-api-edge"
API_REPLICAS = 2
PROFILE_SERVICES = {"smoke": "smoke"}  # service -> profile deployed at 0 replicas
SKIPPED_PROFILES = {"full-observability"}  # official images this kind of machine cannot pull
PUBLISHED = {"prometheus", "alertmanager", "ebit-redis-cache", "ebit-postgres", EDGE}
KEPT_KEYS = (
    *("command", "entrypoint", "environment", "healthcheck", "image", "init", "logging"),
    *("user", "working_dir"),
)
SWARM_DIR_IN_CONTAINER = "/etc/ebit-lab/swarm"


def stack_document(config: dict[str, Any], swarm_dir: Path) -> dict[str, Any]:
    """The stack file for ``config`` (``docker compose config`` JSON with the smoke profile)."""
    services: dict[str, Any] = {}
    for name, spec in config.get("services", {}).items():
        if set(spec.get("profiles") or []) & SKIPPED_PROFILES:
            continue
        services[name] = swarm_service(name, spec)
    api_port = (config["services"][API].get("ports") or [{}])[0]
    services[EDGE] = edge_service(services[API], api_port, swarm_dir)
    services["prometheus"] = swarm_prometheus(services["prometheus"], swarm_dir)
    services["smoke"]["environment"]["API_URL"] = f"http://{EDGE}:8080"
    volumes: dict[str, Any] = {name: {} for name in config.get("volumes", {})}
    # written as resolved: stack deploy leaves "$(...)" in a healthcheck alone and keeps "$$"
    return {"services": services, "volumes": volumes}


def swarm_service(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    out = {k: spec[k] for k in KEPT_KEYS if spec.get(k) is not None}
    out["environment"] = dict(spec.get("environment") or {})
    out["volumes"] = [_volume(v) for v in spec.get("volumes") or []]
    if name in PUBLISHED:
        out["ports"] = [_host_port(p) for p in spec.get("ports") or []]
    out["deploy"] = _deploy(
        API_REPLICAS if name == API else 0 if name in PROFILE_SERVICES else 1,
        {PROFILE_LABEL: PROFILE_SERVICES[name]} if name in PROFILE_SERVICES else {},
    )
    return out


def edge_service(api: dict[str, Any], api_port: dict[str, Any], swarm_dir: Path) -> dict[str, Any]:
    return {
        "image": api["image"],
        "init": True,
        "logging": api.get("logging", {}),
        "command": ["python", f"{SWARM_DIR_IN_CONTAINER}/edge.py"],
        "environment": {"EDGE_UPSTREAM": f"tasks.{API}", "EDGE_UPSTREAM_PORT": "8080"},
        "volumes": [f"{swarm_dir}:{SWARM_DIR_IN_CONTAINER}:ro"],
        "ports": [_host_port({**api_port, "target": 8080})] if api_port else [],
        "deploy": _deploy(1, {}),
    }


def swarm_prometheus(spec: dict[str, Any], swarm_dir: Path) -> dict[str, Any]:
    config_flag = f"--config.file={SWARM_DIR_IN_CONTAINER}/prometheus.yml"
    command = [config_flag if a.startswith("--config.file=") else a for a in spec["command"]]
    volumes = [*spec["volumes"], f"{swarm_dir}:{SWARM_DIR_IN_CONTAINER}:ro"]
    return {**spec, "command": command, "volumes": volumes}


def _deploy(replicas: int, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "replicas": replicas,
        "endpoint_mode": "dnsrr",  # no IPVS here: no virtual IP, DNS answers every task
        "restart_policy": {"condition": "any", "delay": "1s"},
        "update_config": {"parallelism": 1, "delay": "0s", "monitor": "2s"},
        "labels": labels,
    }


def _host_port(port: dict[str, Any]) -> dict[str, Any]:
    return {
        "target": int(port["target"]),
        "published": int(port["published"]),
        "protocol": port.get("protocol", "tcp"),
        "mode": "host",  # no routing mesh without IPVS; binds every interface of the node
    }


def _volume(volume: dict[str, Any] | str) -> str:
    if isinstance(volume, str):
        return volume
    suffix = ":ro" if volume.get("read_only") else ""
    return f"{volume['source']}:{volume['target']}{suffix}"
