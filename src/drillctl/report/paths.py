"""Paths in reports are relative to the project directory, never a home or temp folder.

The journal holds absolute paths where a source wrote them (a runbook the recurrence search
found, quoted in drillctl's hypothesis: ``/home/me/shop/runbooks/redis-cache-flush.md``); the
reports show ``runbooks/redis-cache-flush.md``. The project directory is not journalled as such:
it is read from the scenario's own runbook (journalled relative to it), else from the target's
compose directory or its parent, whichever holds the absolute paths found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

from drillctl.core.events import Evidence, JournalEvent, RunStarted, first_of, of_type

_UP = 1  # the project directory may be the compose directory's parent (compose/ in it)


def project_root(events: Sequence[JournalEvent]) -> str | None:
    """The project directory the run's absolute paths are under, if the journal shows one."""
    start = first_of(events, RunStarted)
    if start is None:
        return None
    found = [p for p in _paths(of_type(events, Evidence)) if p.startswith("/")]
    runbook = str(start.scenario.get("runbook") or "")
    if runbook and not runbook.startswith("/"):
        for path in found:
            if path.endswith("/" + runbook):
                return path.removesuffix("/" + runbook)
    return _compose_ancestor(str(start.target.get("project_dir") or ""), found)


def _compose_ancestor(project_dir: str, found: list[str]) -> str | None:
    if not project_dir.startswith("/"):
        return None
    here = PurePosixPath(project_dir)
    candidates = [here, *here.parents][: _UP + 1]
    for candidate in candidates:
        if len(candidate.parts) > 2 and any(p.startswith(f"{candidate}/") for p in found):
            return str(candidate)
    return project_dir


def _paths(events: Iterable[Evidence]) -> Iterable[str]:
    for event in events:
        for item in event.items:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                yield item["path"]


def relative(text: str, root: str | None) -> str:
    """``text`` with every path under ``root`` written relative to it."""
    return text.replace(f"{root}/", "") if root else text


def relative_item(item: Any, root: str | None) -> Any:
    """An evidence item (text, or a mapping of texts) with its paths relative to ``root``."""
    if isinstance(item, str):
        return relative(item, root)
    if isinstance(item, dict):
        return {k: relative(v, root) if isinstance(v, str) else v for k, v in item.items()}
    return item
