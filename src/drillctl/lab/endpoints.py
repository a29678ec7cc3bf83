"""Where the reference lab listens: 127.0.0.1 ports, each overridable by ``EBIT_LAB_<NAME>_PORT``.

The defaults match ``compose/compose.yaml`` and ``drillctl.toml``; a laptop that already runs Redis
or Postgres moves the lab with, e.g., ``EBIT_LAB_REDIS_PORT=26379``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

HOST = "127.0.0.1"
REDIS_PASSWORD = "cache"
POSTGRES_USER = POSTGRES_PASSWORD = POSTGRES_DB = "ebit"
REDACTED = "***"
PASSWORDS_NOTE = "passwords (***): the lab's fixed ones, in compose/compose.yaml"

# name in EBIT_LAB_<NAME>_PORT -> default port on 127.0.0.1
DEFAULT_PORTS: dict[str, int] = {
    "EBIT_API": 18080,
    "PROMETHEUS": 19090,
    "ALERTMANAGER": 19093,
    "REDIS": 16379,
    "POSTGRES": 15432,
    "EBIT_EXPORTER": 19400,
    "REDIS_EXPORTER": 19121,
    "GRAFANA": 13000,
    "LOKI": 13100,
    "JAEGER": 16686,
}


def port_env_name(name: str) -> str:
    return f"EBIT_LAB_{name}_PORT"


def resolve_ports(env: Mapping[str, str]) -> dict[str, int]:
    """Every lab port, from ``env`` where set, else the default."""
    ports = {}
    for name, default in DEFAULT_PORTS.items():
        raw = env.get(port_env_name(name), "").strip()
        ports[name] = int(raw) if raw.isdigit() else default
    return ports


@dataclass(frozen=True)
class LabEndpoints:
    """URLs and addresses of the lab, as seen from the host."""

    api_url: str
    prometheus_url: str
    alertmanager_url: str
    redis_host: str
    redis_port: int
    redis_password: str
    postgres_dsn: str
    exporter_url: str
    redis_exporter_url: str
    grafana_url: str
    loki_url: str
    jaeger_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LabEndpoints:
        p = resolve_ports(env)
        dsn = (
            f"postgresql://{POSTGRES_USER}:{POSTGRES_PASSWORD}@{HOST}:{p['POSTGRES']}/{POSTGRES_DB}"
        )
        return cls(
            api_url=f"http://{HOST}:{p['EBIT_API']}",
            prometheus_url=f"http://{HOST}:{p['PROMETHEUS']}",
            alertmanager_url=f"http://{HOST}:{p['ALERTMANAGER']}",
            redis_host=HOST,
            redis_port=p["REDIS"],
            redis_password=REDIS_PASSWORD,
            postgres_dsn=dsn,
            exporter_url=f"http://{HOST}:{p['EBIT_EXPORTER']}",
            redis_exporter_url=f"http://{HOST}:{p['REDIS_EXPORTER']}",
            grafana_url=f"http://{HOST}:{p['GRAFANA']}",
            loki_url=f"http://{HOST}:{p['LOKI']}",
            jaeger_url=f"http://{HOST}:{p['JAEGER']}",
        )

    def rows(self) -> list[tuple[str, str]]:
        """(name, address) pairs for a table. Passwords are redacted like every secret drillctl
        prints, fixed lab ones included (a terminal log or a screenshot travels); the table's
        caption (``PASSWORDS_NOTE``) says where they are."""
        return [
            ("ebit-api (HTTP, /metrics, /socket.io)", self.api_url),
            ("prometheus", self.prometheus_url),
            ("alertmanager", self.alertmanager_url),
            ("ebit-redis-cache", f"redis://:{REDACTED}@{self.redis_host}:{self.redis_port}/0"),
            ("ebit-postgres", self.postgres_dsn.replace(f":{POSTGRES_PASSWORD}@", f":{REDACTED}@")),
            ("ebit-exporter", f"{self.exporter_url}/metrics"),
            ("redis-exporter", f"{self.redis_exporter_url}/metrics"),
        ]
