"""Grafana deep links for the drill window (api-contracts §5).

Links come first from the journal (``run.started.dashboards``, ``evidence`` of kind
``dashboard``); a link without a time range gets the drill window, padded by five minutes, as
epoch-millisecond ``from``/``to``. When the journal has none, a link is built as
``<grafana_public>/d/<uid>/<slug>`` only if both the public base URL and the dashboard's uid are
known; otherwise there is no link and the reports say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from drillctl.core.timeconv import to_grafana_ms
from drillctl.report.model import DrillSummary

DASHBOARDS = ("ebit-perf-test", "perf-system")
PAD = timedelta(minutes=5)


def dashboard_links(
    summary: DrillSummary,
    *,
    grafana_public: str | None = None,
    uids: Mapping[str, str] | None = None,
    names: tuple[str, ...] = DASHBOARDS,
) -> dict[str, str]:
    """Title → deep link for the drill window; empty when no link is known."""
    window = summary.window
    links = {title: with_window(url, window) for title, url in summary.dashboards.items()}
    if grafana_public and uids:
        for name in names:
            if name not in links and uids.get(name):
                links[name] = with_window(_build(grafana_public, uids[name], name), window)
    return links


def with_window(url: str, window: tuple[datetime, datetime] | None) -> str:
    """Add ``from``/``to`` (ms, padded) unless the link already carries a time range."""
    if window is None:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key in ("from", "to") for key, _ in query):
        return url
    start, end = window
    query += [("from", str(to_grafana_ms(start - PAD))), ("to", str(to_grafana_ms(end + PAD)))]
    query.append(("timezone", "utc"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _build(base: str, uid: str, title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"{base.rstrip('/')}/d/{uid}/{slug}?orgId=1"
