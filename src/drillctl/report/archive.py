"""The run archive: every report of a run, written next to its journal.

``write_reports(run_dir)`` reads ``journal.jsonl`` (or takes the events) and writes
``report.json``, ``timeline.slack.txt``, ``timeline.md``, ``junit.xml`` and, when the journal has
samples, ``chart.png``. Each file is written to a temporary name and renamed, so a reader (the
game master's view, a CI artefact upload) never sees half a file. Calling it again rewrites them
all from the journal: that is how ``report --judge`` updates a verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drillctl.core.errors import DrillError
from drillctl.core.journal import JOURNAL_NAME, Event, JournalRead, read_journal
from drillctl.report.chart import render_chart
from drillctl.report.json_report import render_json
from drillctl.report.junit import render_junit
from drillctl.report.links import dashboard_links
from drillctl.report.markdown import render_markdown
from drillctl.report.model import DrillSummary
from drillctl.report.slack import render_slack
from drillctl.report.summary import summarize

FILES = {
    "json": "report.json",
    "slack": "timeline.slack.txt",
    "markdown": "timeline.md",
    "junit": "junit.xml",
    "chart": "chart.png",
}
FORMATS = ("slack", "markdown", "json", "junit")


@dataclass(frozen=True)
class Written:
    summary: DrillSummary
    links: dict[str, str]
    paths: dict[str, Path] = field(default_factory=dict)


def load_events(run_dir: Path) -> list[Event]:
    return load_journal(run_dir).events


def load_journal(run_dir: Path) -> JournalRead:
    journal = run_dir / JOURNAL_NAME
    if not journal.is_file():
        raise DrillError(f"{run_dir}: no {JOURNAL_NAME} in this run directory")
    return read_journal(journal)


def summarize_run(run_dir: Path) -> DrillSummary:
    """The summary of a run directory's journal, counting the lines it could not read."""
    read = load_journal(run_dir)
    return summarize(read.events, read.unreadable)


def render(fmt: str, summary: DrillSummary, links: Mapping[str, str] | None = None) -> str:
    """One report as text: ``slack``, ``markdown``, ``json`` or ``junit``."""
    renderers: dict[str, Callable[[], str]] = {
        "slack": lambda: render_slack(summary, links),
        "markdown": lambda: render_markdown(summary, links),
        "json": lambda: render_json(summary, links),
        "junit": lambda: render_junit(summary),
    }
    if fmt not in renderers:
        raise DrillError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
    return renderers[fmt]()


def write_reports(
    run_dir: Path,
    events: Sequence[Event] | None = None,
    *,
    grafana_public: str | None = None,
    dashboard_uids: Mapping[str, str] | None = None,
) -> Written:
    """Write every report of the run into ``run_dir``; returns the summary and the paths."""
    read = JournalRead(list(events)) if events is not None else load_journal(run_dir)
    events = read.events
    summary = summarize(events, read.unreadable)
    links = dashboard_links(summary, grafana_public=grafana_public, uids=dashboard_uids)
    paths: dict[str, Path] = {}
    for fmt in FORMATS:
        paths[fmt] = _write_text(run_dir / FILES[fmt], render(fmt, summary, links))
    chart = _write_chart(run_dir / FILES["chart"], summary, events)
    if chart is not None:
        paths["chart"] = chart
    return Written(summary=summary, links=links, paths=paths)


def _write_text(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def _write_chart(path: Path, summary: DrillSummary, events: Sequence[Event]) -> Path | None:
    tmp = path.with_name(f".{path.stem}.tmp.png")
    if render_chart(summary, events, tmp) is None:
        return None
    tmp.replace(path)
    return path
