"""Run ids: sortable by time, readable, unique: ``20261129-201500-bullmq-backpressure-3f9a``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def new_run_id(scenario: str, now: datetime, suffix: str | None = None) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{scenario}-{suffix or secrets.token_hex(2)}"


def new_seed() -> int:
    """The run's seed, journalled in run.started (anything random in a drill derives from it)."""
    return secrets.randbelow(2**31)
