"""``drillctl changes``: the API reference's releases, what each changed, and its migrations.

Each consecutive pair of snapshots in the version log is diffed (``openapi_diff``); the Prisma
migrations whose timestamps fall after the previous release and not after this one are the ones
it shipped. Migrations newer than the last release are listed as unreleased. ``--route`` keeps
the deltas of endpoints whose path is the route or ends with it (``/bets`` matches
``/api/bets``), ``--since`` the releases of that recent past.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from drillctl.readiness.api_versions import Release, load_releases
from drillctl.readiness.migrations import Migration, load_migrations, shipped_with
from drillctl.readiness.openapi_diff import Delta, diff
from drillctl.readiness.openapi_load import SUFFIXES, load_openapi
from drillctl.readiness.reviews import tree_sha256

_PARAM = re.compile(r"\{[^}]*\}|:[A-Za-z_]\w*")


@dataclass(frozen=True)
class Step:
    """One release and what changed since the one before it."""

    release: Release
    previous: Release | None
    deltas: list[Delta]
    migrations: list[Migration]


@dataclass(frozen=True)
class Changes:
    reference: Path
    log: Path
    sha256: str  # over the reference folder (log + snapshots) and the migrations
    steps: list[Step]
    unreleased: list[Migration]


def read_changes(reference: Path, migrations_dir: Path | None) -> Changes:
    log, releases = load_releases(reference)
    specs = {r.version: load_openapi(r.snapshot) for r in releases}
    migrations = load_migrations(migrations_dir)
    steps = []
    for index, release in enumerate(releases):
        previous = releases[index - 1] if index else None
        deltas = diff(specs[previous.version], specs[release.version]) if previous else []
        shipped = shipped_with(migrations, previous.at if previous else None, release.at)
        steps.append(Step(release, previous, deltas, shipped))
    last = releases[-1].at if releases else None
    unreleased = [m for m in migrations if last is None or m.at > last]
    return Changes(reference, log, reference_sha256(reference, migrations_dir), steps, unreleased)


def reference_sha256(reference: Path, migrations_dir: Path | None) -> str:
    wanted = (*SUFFIXES, ".md")
    parts = [tree_sha256(reference, (p for p in reference.rglob("*") if p.suffix in wanted))]
    if migrations_dir is not None and migrations_dir.is_dir():
        parts.append(tree_sha256(migrations_dir, migrations_dir.rglob("*.sql")))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def route_matches(route: str, path: str) -> bool:
    """``/bets/settle`` matches ``/api/bets/settle``; ``/players/7`` matches ``/players/{id}``:
    the route's segments are the path's last segments, the first one written out, the others
    matching a path parameter whatever their value (``/bets`` is not ``/api/bets/{id}``)."""
    want, have = _segments(route), _segments(path)
    if not want or len(want) > len(have):
        return False
    tail = have[len(have) - len(want) :]
    same = [w == h or h == "{}" for w, h in zip(want, tail, strict=True)]
    return tail[0] == want[0] and all(same)


def _segments(path: str) -> list[str]:
    return [s for s in _PARAM.sub("{}", path.split("?", 1)[0].strip()).split("/") if s]


def narrowed(changes: Changes, *, route: str | None, since: datetime | None) -> Changes:
    """Only the releases since ``since`` and, with ``route``, the deltas touching that route."""
    steps = changes.steps
    if since is not None:
        steps = [s for s in steps if s.release.at >= since]
    if route is not None:
        steps = [
            replace(s, deltas=[d for d in s.deltas if route_matches(route, d.route)]) for s in steps
        ]
        steps = [s for s in steps if s.deltas]
    return replace(changes, steps=steps)
