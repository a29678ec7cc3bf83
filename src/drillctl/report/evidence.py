"""The evidence and the sources as the reports show them: honest about what could not be seen.

- A source that is not configured or not reachable is "unavailable: why", never "0 found":
  ``unavailable_sources`` keeps what was still unavailable at the end (``source``, or
  ``source/signal`` and ``source/evidence`` when one query failed), and counts trace evidence
  that, with no Jaeger configured, was read from error log lines and found none: that is no
  Jaeger, not "0 error spans".
- Log evidence with no line for a service that was stopped says so, from the journal's
  ``container`` events: "no log lines: ebit-api was stopped from 14:05:35 to 14:05:55".
- Paths are relative to the project directory (``paths.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from drillctl.core.events import (
    Container,
    Evidence,
    JournalEvent,
    RunStarted,
    SourceAvailable,
    SourceUnavailable,
    of_type,
)
from drillctl.report import figures
from drillctl.report.fmt import clock
from drillctl.report.model import Evidence as EvidenceSummary
from drillctl.report.paths import relative, relative_item

Span = tuple[datetime, datetime | None]  # stopped from, started again (None: not in the run)
NO_JAEGER = "not configured (trace evidence read from error log lines instead)"
_DOWN = ("die", "stop")


def stopped_spans(events: Sequence[JournalEvent]) -> dict[str, list[Span]]:
    """When each service was stopped: from its container's ``die`` (or ``stop``) to its
    ``start``."""
    spans: dict[str, list[Span]] = {}
    down: dict[str, datetime] = {}
    for event in of_type(events, Container):
        at, service = figures.instant(event.at, event.ts), event.service
        if not service:
            continue
        if event.action in _DOWN:
            down.setdefault(service, at)
        elif event.action == "start" and service in down:
            spans.setdefault(service, []).append((down.pop(service), at))
    for service, at in down.items():
        spans.setdefault(service, []).append((at, None))
    return spans


def evidence(events: Sequence[JournalEvent], root: str | None) -> list[EvidenceSummary]:
    stops = stopped_spans(events)
    return [
        EvidenceSummary(
            kind=e.kind or "?",
            source=e.source or None,
            summary=relative(summary_words(e, stops), root),
            items=[relative_item(item, root) for item in e.items],
            at=e.ts,
        )
        for e in of_type(events, Evidence)
    ]


def summary_words(event: Evidence, stops: dict[str, list[Span]]) -> str:
    """The evidence's summary, unless it would show an absence as a finding."""
    name = event.summary.partition(": ")[0]
    if _without_jaeger(event):
        return f"{name}: unavailable: no Jaeger configured, and no error log line has a trace id"
    if event.kind == "log" and not event.items:
        for service, spans in stops.items():
            shown = [s for s in spans if s[0] <= event.ts]
            if shown and re.search(rf"(?<![\w-]){re.escape(service)}(?![\w-])", event.summary):
                return f"{name}: no log lines: {service} was stopped {_spans_words(shown)}"
    return event.summary


def _without_jaeger(event: Evidence) -> bool:
    """Trace evidence from the no-Jaeger fallback (error log lines) that found nothing."""
    return event.kind == "trace" and event.source != "jaeger" and not event.items


def _spans_words(spans: list[Span]) -> str:
    return ", then ".join(
        f"from {clock(start)} to {clock(end)}" if end else f"from {clock(start)}, not started again"
        for start, end in spans
    )


def unavailable_sources(events: Sequence[JournalEvent]) -> dict[str, str]:
    """What was still unavailable at the end: ``source`` or ``source/signal`` → reason."""
    state: dict[str, str] = {}
    for event in events:
        if isinstance(event, SourceUnavailable):
            state[_key(event.source, event.signal or event.evidence)] = event.reason
        elif isinstance(event, SourceAvailable):
            state.pop(_key(event.source, event.signal), None)
    if "jaeger" not in state and any(_without_jaeger(e) for e in of_type(events, Evidence)):
        state["jaeger"] = NO_JAEGER
    return state


def _key(source: str, detail: str | None) -> str:
    return f"{source or '?'}/{detail}" if detail else source or "?"


def dashboards(events: Sequence[JournalEvent]) -> dict[str, str]:
    """Deep links from ``run.started.dashboards`` and ``evidence`` of kind ``dashboard``."""
    links: dict[str, str] = {}
    for event in events:
        if isinstance(event, RunStarted):
            links.update({str(k): str(v) for k, v in event.dashboards.items() if v})
        elif isinstance(event, Evidence) and event.kind == "dashboard":
            for item in event.items:
                if isinstance(item, dict) and item.get("url"):
                    links.setdefault(
                        str(item.get("title") or item.get("name") or item["url"]), str(item["url"])
                    )
    return links
