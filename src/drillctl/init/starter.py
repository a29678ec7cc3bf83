"""The starter scenario: stop one service for a while, watch it go down and come back (pure).

With a reachable Prometheus the signals are ``up{job=...}`` and a generic HTTP error ratio; without
one, an ``http`` probe of the service (or a ``tcp`` probe when it serves no HTTP).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from drillctl.core.errors import ConfigError
from drillctl.init.model import DATASTORES, OBSERVABILITY, Project, Service
from drillctl.init.sources import http_port

STOP_FOR = "30s"
BASELINE = "20s"


@dataclass(frozen=True)
class Starter:
    service: str
    file_name: str
    doc: dict[str, Any]  # the scenario, as it is written
    comments: dict[str, list[str]] = field(default_factory=dict)  # top-level key -> lines above it
    notes: list[str] = field(default_factory=list)  # what the user should check by hand


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "service"


def _score(project: Project, service: Service) -> tuple[bool, ...]:
    return (
        service.name in project.scrape_jobs,
        service.tool not in DATASTORES,
        bool(service.published()),
        service.healthcheck is not None and not service.healthcheck.disabled,
        service.built,
    )


def choose_service(project: Project, wanted: str | None = None) -> Service:
    """The service to stop: ``wanted``, else the application service that tells the most."""
    names = ", ".join(s.name for s in project.services) or "none"
    if wanted:
        service = project.service(wanted)
        if service is None:
            raise ConfigError(
                f"service {wanted!r} is not in the compose project (services: {names})"
            )
        return service
    candidates = [s for s in project.services if not s.profiles and s.tool not in OBSERVABILITY]
    if not candidates:
        raise ConfigError(
            "no service to drill: every service is observability tooling or behind a profile "
            f"({names})",
            hint="pick one with --service NAME",
        )
    return max(sorted(candidates, key=lambda s: s.name), key=lambda s: _score(project, s))


def _symptom_down() -> dict[str, Any]:
    return {"below": 0.5}


def prometheus_signals(service: Service) -> list[dict[str, Any]]:
    job = "${var:job}"
    total = f'sum(rate(http_requests_total{{job="{job}"}}[1m]))'
    errors = f'sum(rate(http_requests_total{{job="{job}",status=~"5.."}}[1m]))'
    return [
        {
            "name": f"{slug(service.name)}-up",
            "source": "prometheus",
            "query": f'sum(up{{job="{job}"}}) or vector(0)',
            "unit": "targets up",
            "description": f"Prometheus can scrape {service.name}",
            "symptom": _symptom_down(),
        },
        {
            "name": f"{slug(service.name)}-error-ratio",
            "source": "prometheus",
            "query": f"({errors} or vector(0)) / ({total} > 0)",
            "unit": "ratio",
            "description": "share of HTTP responses that are 5xx (your metric or label may differ)",
            "symptom": {"above": 0.05},
            "primary": False,
        },
    ]


def probe_signals(service: Service) -> tuple[list[dict[str, Any]], list[str]]:
    """An http probe of the service, or a tcp probe of its first published port."""
    name = slug(service.name)
    web = http_port(service)
    if web:
        port, path = web
        url = f"http://{port.host_address()}:{port.published}{path}"
        return [_probe(f"{name}-http", "http", url, f"{service.name} answers HTTP")], []
    ports = service.published()
    if ports:
        address = f"{ports[0].host_address()}:{ports[0].published}"
        return [_probe(f"{name}-tcp", "tcp", address, f"{service.name} accepts connections")], []
    note = (
        f"{service.name} publishes no port: set the address of the tcp probe by hand (vars.address)"
    )
    return [
        _probe(f"{name}-tcp", "tcp", "${var:address}", f"{service.name} accepts connections")
    ], [note]


def _probe(name: str, source: str, query: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "source": source,
        "query": query,
        "unit": "ok",
        "description": description + " (1 when the probe succeeds, 0 when it fails)",
        "symptom": _symptom_down(),
    }


def _traffic(service: Service) -> dict[str, Any] | None:
    web = http_port(service)
    if not web:
        return None
    port = web[0]
    return {
        "http": [
            {"url": f"http://{port.host_address()}:{port.published}/", "rate": 2, "concurrency": 2}
        ]
    }


def build_starter(project: Project, service: Service, *, prometheus: bool) -> Starter:
    """The scenario document for stopping ``service``; ``prometheus``: a Prometheus is reachable."""
    notes: list[str] = []
    variables: dict[str, str] = {}
    if prometheus:
        signals = prometheus_signals(service)
        variables = {"job": project.scrape_jobs.get(service.name, service.name)}
        if service.name not in project.scrape_jobs:
            notes.append(
                f"no Prometheus scrape job found for {service.name}: vars.job is a guess "
                f"({service.name!r}); set it to the job that scrapes it"
            )
    else:
        signals, notes = probe_signals(service)
        if "${var:address}" in signals[0]["query"]:
            variables = {"address": "127.0.0.1:PORT"}
    doc = _document(service, signals, variables)
    traffic = _traffic(service)
    if traffic:
        doc = {**doc, "traffic": traffic}
    return Starter(
        service.name, f"stop-{slug(service.name)}.yaml", _ordered(doc), _comments(prometheus), notes
    )


def _document(
    service: Service, signals: list[dict[str, Any]], variables: dict[str, str]
) -> dict[str, Any]:
    name = service.name
    return {
        "name": f"stop-{slug(name)}",
        "title": f"{name} stops for {STOP_FOR}",
        "severity": "P2",
        "description": f"docker compose stop {name}; drillctl starts it again after {STOP_FOR}.",
        "objective": f"Notice that {name} is down, find out why, and confirm it recovers.",
        "difficulty": "easy",
        "tags": ["starter"],
        "vars": variables,
        "baseline": BASELINE,
        "signals": signals,
        "evidence": [
            {"name": f"{slug(name)}-logs", "source": "logs", "service": name, "limit": 50}
        ],
        "faults": [{"type": "stop-service", "service": name, "duration": STOP_FOR}],
        "recovery": {"timeout": "2m"},
        "expect": {"symptom_within": "1m", "recovered_within": "2m"},
        "root_cause": {
            "summary": f"{name} was stopped (docker compose stop {name})",
            "keywords": [name, "stop", "down"],
        },
        "dashboards": [],
        "decisions": [f"Restart {name} by hand, or wait for it to come back?"],
    }


# the order of the written file: identity, then what runs, then what is checked
_ORDER = [
    *("name", "title", "severity", "description", "objective", "difficulty", "tags", "vars"),
    *("traffic", "baseline", "signals", "evidence", "faults", "recovery", "expect"),
    *("root_cause", "dashboards", "decisions"),
]


def _ordered(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in _ORDER if k in doc and doc[k] not in ({}, None)}


def _comments(prometheus: bool) -> dict[str, list[str]]:
    first = (
        "up{job=...} of the stopped service; the error ratio is informational (primary: false)"
        if prometheus
        else "no reachable Prometheus: a probe from this machine watches the service instead"
    )
    return {
        "vars": [
            "${var:name} placeholders; override with --set name=value or [vars] in drillctl.toml"
        ],
        "traffic": ["steady requests during the drill; point the url at a real endpoint"],
        "signals": [first],
        "faults": [
            f"stopped for {STOP_FOR}, then started again (on Ctrl-C too; after a crash: "
            "drillctl recover)"
        ],
        "expect": ["what an unattended run (--non-interactive) checks; exit 0 when all are met"],
    }
