"""Recorded reviews for the gate: who read what, when, and the hash of what they read.

``drillctl security review`` and ``drillctl changes`` each write their latest review to
``<state dir>/reviews/<kind>.json``; ``gate check`` copies it into the gate item, and ``gate
status`` recomputes the hash: an input changed after its review reopens the item, as a changed
escalation matrix does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from drillctl.core.errors import DrillError

Kind = Literal["security-register", "api-changelog"]


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    path: str  # absolute: the register file, or the API reference folder
    sha256: str
    by: str
    at: datetime
    notes: dict[str, str] = {}  # finding id -> what was discussed, with whom
    pending: list[str] = []  # the finding ids to raise with the team lead
    summary: str = ""
    migrations: str | None = None  # api-changelog: the migrations folder hashed with it


def review_file(state_dir: Path, kind: Kind) -> Path:
    return state_dir / "reviews" / f"{kind}.json"


def save_review(state_dir: Path, review: Review) -> Path:
    path = review_file(state_dir, review.kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(review.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def load_review(state_dir: Path, kind: Kind) -> Review | None:
    path = review_file(state_dir, kind)
    if not path.is_file():
        return None
    try:
        return Review.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise DrillError(f"{path}: unreadable review record: {exc}") from exc


def tree_sha256(root: Path, files: Iterable[Path]) -> str:
    """One hash over several files, each named relative to ``root``: a renamed, added or edited
    file changes it."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def missing_notes(review: Review) -> list[str]:
    return [fid for fid in review.pending if not review.notes.get(fid, "").strip()]
