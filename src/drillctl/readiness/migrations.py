"""Prisma-style migrations (``prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql``) and the
release each one shipped with: the first release dated at or after the migration's timestamp."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_DIR = re.compile(r"^(?P<stamp>\d{14})_(?P<name>.+)$")


@dataclass(frozen=True)
class Migration:
    name: str  # the folder name, e.g. 20261012093000_rename_bet_amount
    at: datetime
    sql: str | None  # the migration file relative to the migrations folder, when present


def load_migrations(folder: Path | None) -> list[Migration]:
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(p for p in folder.iterdir() if p.is_dir()):
        match = _DIR.match(path.name)
        if match:
            at = datetime.strptime(match.group("stamp"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            sql = path / "migration.sql"
            found.append(
                Migration(
                    path.name, at, sql.relative_to(folder).as_posix() if sql.is_file() else None
                )
            )
    return found


def shipped_with(
    migrations: Sequence[Migration], after: datetime | None, until: datetime
) -> list[Migration]:
    """The migrations of a release: newer than the previous release, not newer than this one."""
    return [m for m in migrations if (after is None or m.at > after) and m.at <= until]
