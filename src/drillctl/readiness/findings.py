"""Located findings (``FILE:LINE: message``) shared by the runbook linter, the escalation check and
the gate, and their two renderings: text lines and a versioned JSON envelope."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from drillctl.core.envelope import envelope

SCHEMA_VERSION = 1
Level = Literal["blocker", "note"]


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    code: str  # stable id of the rule, e.g. "missing-section"
    message: str
    level: Level = "blocker"

    def __str__(self) -> str:
        prefix = "" if self.level == "blocker" else "note: "
        return f"{self.file}:{self.line}: {prefix}{self.message}"


def blockers(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "blocker"]


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line))


def to_json(findings: Iterable[Finding], kind: str, **extra: object) -> str:
    """``kind``: the envelope's (core/envelope.py), e.g. ``runbook-lint``."""
    items = [asdict(f) for f in findings]
    body = envelope(kind, SCHEMA_VERSION, **extra, findings=items)
    return json.dumps(body, indent=2, default=str)
