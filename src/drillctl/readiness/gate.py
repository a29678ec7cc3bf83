"""The go/no-go checklist: a YAML file in the team's repository (``oncall-gate.yaml``).

Items with evidence (a drill run, a runbook, an escalation matrix, a recorded review of the
security register or of the API changelog) are verified by checking the
evidence every time the status is computed, never by trusting ``done: true``. Two signatures
close the gate: the engineer's and an experienced on-call's, each with name, role and time. A
"no-go" from either records the reason in the history, resets the shift items (another
rotation) and clears the signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drillctl.core.errors import DrillError

GATE_FILE = "oncall-gate.yaml"
Evidence = Literal["run", "runbook", "matrix", "security-register", "api-changelog"]
Role = Literal["engineer", "on-call"]


@dataclass(frozen=True)
class ItemSpec:
    title: str
    evidence: Evidence | None = None  # what `gate check` must be given, and status re-verifies
    note: str | None = None  # the text `gate check` must be given (--note), if any
    shift: bool = False  # reset by a no-go


ITEMS: dict[str, ItemSpec] = {
    "drill": ItemSpec("Simulated P2 drill driven end to end, timeline archived", evidence="run"),
    "runbook": ItemSpec("New runbook written and merged (lint-clean)", evidence="runbook"),
    # verified by a recorded `drillctl security review` / `drillctl changes` (readiness/reviews.py)
    "security-register": ItemSpec(
        "Security register read, pending findings discussed", evidence="security-register"
    ),
    "api-changelog": ItemSpec("API changelog reviewed", evidence="api-changelog"),
    "escalation-matrix": ItemSpec("Escalation matrix validated", evidence="matrix"),
    "shadow-shift": ItemSpec("Shadow shift complete", note="observations", shift=True),
    "reverse-shadow-shift": ItemSpec(
        "Reverse-shadow shift complete", note="observations", shift=True
    ),
    "access": ItemSpec("Access confirmed (PagerDuty, Slack, dashboards, cluster, secrets)"),
    "first-thing": ItemSpec("The first thing you do when paged", note="the answer"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    done: bool = False
    at: datetime | None = None
    by: str | None = None
    note: str | None = None
    evidence: dict[str, str] = {}


class Signature(_Strict):
    name: str
    role: Role
    decision: Literal["go", "no-go"]
    reason: str | None = None
    at: datetime


class HistoryEntry(_Strict):
    at: datetime
    event: str


class Gate(_Strict):
    schema_version: Literal[1] = 1
    engineer: str = Field(min_length=1)
    items: dict[str, Item] = Field(default_factory=lambda: {k: Item() for k in ITEMS})
    signatures: list[Signature] = []
    history: list[HistoryEntry] = []

    def item(self, item_id: str) -> Item:
        return self.items.get(item_id, Item())


def load(path: Path) -> Gate:
    if not path.is_file():
        raise DrillError(
            f"{path}: no gate file", hint="start one with `drillctl gate init --engineer NAME`"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        gate = Gate.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise DrillError(f"{path}: invalid gate file: {exc}") from exc
    unknown = sorted(set(gate.items) - set(ITEMS))
    if unknown:
        raise DrillError(f"{path}: unknown items {', '.join(unknown)} (known: {', '.join(ITEMS)})")
    return gate


def save(path: Path, gate: Gate) -> None:
    data = gate.model_dump(mode="json", exclude_none=True)
    for item in data["items"].values():
        if not item.get("evidence"):
            item.pop("evidence", None)
    header = (
        "# On-call readiness gate: `drillctl gate check|sign` edit it, `gate status` verifies.\n"
    )
    path.write_text(
        header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


def with_item(gate: Gate, item_id: str, item: Item) -> Gate:
    return gate.model_copy(update={"items": {**gate.items, item_id: item}})


def signed(gate: Gate, signature: Signature) -> Gate:
    """A go replaces the role's earlier signature; a no-go resets the shifts and all signatures."""
    if signature.decision == "go":
        kept = [s for s in gate.signatures if s.role != signature.role]
        return gate.model_copy(update={"signatures": [*kept, signature]})
    items = {k: (Item() if ITEMS[k].shift else v) for k, v in gate.items.items()}
    event = f"no-go by {signature.name} ({signature.role}): {signature.reason}; shift items reset"
    history = [*gate.history, HistoryEntry(at=signature.at, event=event)]
    return gate.model_copy(update={"items": items, "signatures": [], "history": history})
