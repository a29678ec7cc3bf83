"""Build the observer's sources from the settings and the target driver.

Every HTTP source shares the one ``httpx.AsyncClient`` the caller owns (and closes). Unconfigured
sources are simply absent, except for two fallbacks: with no Loki, log evidence is read through
compose logs (``logs``, needs the driver); with no Jaeger, ``jaeger`` answers from error log lines
that carry a trace id. Probes (http, tcp, redis, sql) are always present: their targets are in
the signals. ``${env:NAME}`` in ``grafana_token`` is resolved here, at run time.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from drillctl.config import SourcesConfig
from drillctl.core.durations import parse_duration
from drillctl.observe.alertmanager import AlertmanagerSource
from drillctl.observe.base import Source
from drillctl.observe.grafana import GrafanaSource
from drillctl.observe.httpapi import HttpApi
from drillctl.observe.jaeger import JaegerSource, TraceLogSource
from drillctl.observe.logs import ComposeLogsSource
from drillctl.observe.loki import LokiSource
from drillctl.observe.probes.http import HttpProbe
from drillctl.observe.probes.redis import RedisProbe
from drillctl.observe.probes.sql import SqlProbe
from drillctl.observe.probes.tcp import TcpProbe
from drillctl.observe.prometheus import PrometheusSource
from drillctl.target.base import TargetDriver

_ENV_REF = re.compile(r"^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$")


def resolve_secret(value: str | None, env: Mapping[str, str]) -> str | None:
    """``${env:NAME}`` → the variable's value (None when unset); anything else as is."""
    if value is None:
        return None
    match = _ENV_REF.match(value.strip())
    return (env.get(match.group(1)) or None) if match else value


def configured_sources(config: SourcesConfig) -> set[str]:
    """The HTTP sources given a URL: the others are absent, or a fallback stands in for them."""
    urls = {
        "prometheus": config.prometheus,
        "alertmanager": config.alertmanager,
        "loki": config.loki,
        "jaeger": config.jaeger,
        "grafana": config.grafana,
    }
    return {name for name, url in urls.items() if url}


def build_sources(
    config: SourcesConfig,
    *,
    client: httpx.AsyncClient,
    driver: TargetDriver | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Source]:
    env = os.environ if env is None else env
    timeout = parse_duration(config.timeout).total_seconds()

    def api(name: str, url: str, headers: Mapping[str, str] | None = None) -> HttpApi:
        return HttpApi(name, url, client, timeout=timeout, headers=headers)

    sources: dict[str, Source] = {
        "http": HttpProbe(client, timeout=timeout),
        "tcp": TcpProbe(timeout=timeout),
        "redis": RedisProbe(timeout=timeout),
        "sql": SqlProbe(timeout=timeout),
    }
    if config.prometheus:
        sources["prometheus"] = PrometheusSource(api("prometheus", config.prometheus))
    if config.alertmanager:
        sources["alertmanager"] = AlertmanagerSource(api("alertmanager", config.alertmanager))
    loki = None
    if config.loki:
        tenant = {"X-Scope-OrgID": config.loki_tenant} if config.loki_tenant else None
        loki = LokiSource(api("loki", config.loki, tenant))
        sources["loki"] = loki
    logs = ComposeLogsSource(driver) if driver is not None else None
    if logs is not None:
        sources["logs"] = logs
    if config.jaeger:
        sources["jaeger"] = JaegerSource(api("jaeger", config.jaeger))
    elif loki or logs:
        sources["jaeger"] = TraceLogSource(loki or logs)  # type: ignore[arg-type]
    if config.grafana:
        token = resolve_secret(config.grafana_token, env)
        public = config.grafana_public_url or config.grafana
        grafana = api("grafana", config.grafana)
        sources["grafana"] = GrafanaSource(grafana, public_url=public, token=token)
    return sources


@asynccontextmanager
async def open_sources(
    config: SourcesConfig,
    *,
    driver: TargetDriver | None = None,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[dict[str, Source]]:
    """The sources on a shared client opened here; connections are closed on the way out."""
    async with httpx.AsyncClient() as client:
        sources = build_sources(config, client=client, driver=driver, env=env)
        try:
            yield sources
        finally:
            for source in sources.values():
                closer = getattr(source, "aclose", None)
                if closer is not None:
                    await closer()
