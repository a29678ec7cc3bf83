"""What changed in the stack since the last drill: each run records what every service runs
(``run.started.target.services``: image id and creation time, compose's definition hash); at the
start of the next drill the two are compared and the differences journalled as evidence of kind
``change``, so "we shipped X yesterday" is in front of the responder from the first minute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from drillctl.core.events import RunStarted
from drillctl.core.journal import JOURNAL_NAME, iter_events

Services = Sequence[Mapping[str, Any]]


def previous_services(runs_dir: Path, run_id: str) -> tuple[str, list[dict[str, Any]]] | None:
    """(run id, services) of the latest earlier run that recorded them (run ids sort by their
    start time)."""
    if not runs_dir.is_dir():
        return None
    for run in sorted((p for p in runs_dir.iterdir() if p.name < run_id), reverse=True):
        services = _recorded_services(run / JOURNAL_NAME)
        if services:
            return run.name, services
    return None


def _recorded_services(journal: Path) -> list[dict[str, Any]]:
    """The one reader of old journals here: ``run.started``'s ``target.services``."""
    if not journal.is_file():
        return []
    started = next((e for e in iter_events(journal) if isinstance(e, RunStarted)), None)
    return list(started.target.get("services") or []) if started else []


def differences(before: Services, after: Services) -> list[str]:
    """One line per service whose image or definition differs, or that appeared or went away."""
    old = {str(s.get("service")): s for s in before if s.get("service")}
    new = {str(s.get("service")): s for s in after if s.get("service")}
    lines = [f"{name}: new since then" for name in new if name not in old]
    lines += [f"{name}: gone since then" for name in old if name not in new]
    for name in (n for n in new if n in old):
        lines += _changed(name, old[name], new[name])
    return lines


def _changed(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    found = []
    if old.get("image_id") != new.get("image_id"):
        created = f", built {new.get('image_created')}" if new.get("image_created") else ""
        found.append(
            f"{name}: image {_short(old.get('image_id'))} -> {_short(new.get('image_id'))}{created}"
        )
    if old.get("definition_sha256") != new.get("definition_sha256"):
        found.append(f"{name}: compose definition changed")
    return found


def _short(image_id: object) -> str:
    text = str(image_id or "?")
    return text.removeprefix("sha256:")[:12]


def services_evidence(runs_dir: Path, run_id: str, services: Services) -> list[dict[str, Any]]:
    earlier = previous_services(runs_dir, run_id) if services else None
    if earlier is None:
        return []
    changed = differences(earlier[1], services)
    summary = (
        f"since the last drill ({earlier[0]}): " + "; ".join(changed)
        if changed
        else f"every service runs what it ran in the last drill ({earlier[0]})"
    )
    return [{"kind": "change", "source": "target", "summary": summary, "items": changed}]
