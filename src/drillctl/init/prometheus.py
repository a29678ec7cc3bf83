"""Which Prometheus job scrapes which compose service, from the Prometheus configuration (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from drillctl.init.model import Service


def _target_host(target: str) -> str:
    host = target.split("://", 1)[-1].rsplit(":", 1)[0]
    return host.strip("[]")


def scrape_jobs(prom_config: Mapping[str, Any], services: Iterable[str]) -> dict[str, str]:
    """``{service: job_name}`` for every static target whose host is a compose service name.

    A job named after a service counts too (its targets may be discovered some other way).
    """
    names = set(services)
    jobs: dict[str, str] = {}
    for scrape in prom_config.get("scrape_configs") or ():
        job = str(scrape.get("job_name", ""))
        if job in names:
            jobs.setdefault(job, job)
        for static in scrape.get("static_configs") or ():
            for target in static.get("targets") or ():
                host = _target_host(str(target))
                if host in names:
                    jobs.setdefault(host, job)
    return jobs


def config_mount(prometheus: Service) -> tuple[str, str] | None:
    """The bind mount carrying prometheus.yml: ``(host path, file name inside it or "")``."""
    for source, target in prometheus.volumes:
        path = PurePosixPath(target)
        if path.suffix in (".yml", ".yaml"):
            return source, ""
        if str(path).rstrip("/") in ("/etc/prometheus", "/prometheus/config", "/config"):
            return source, "prometheus.yml"
    return None
