"""``drillctl gate status``: verify every item of the go/no-go checklist now, as a result object.

``gate_status(context=..., file=...)`` returns a ``GateReport``; ``--format json`` prints its
envelope: ``{"schema_version": 1, "kind": "drillctl.gate-status", "file", "engineer", "items",
"signatures", "signoff", "last_no_go", "blocking"}``. The checks are in ``drillctl.readiness``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drillctl.core.envelope import envelope

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.readiness.gate import Gate
    from drillctl.readiness.gate_evidence import GateStatus

KIND = "gate-status"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class GateReport:
    file: Path
    gate: Gate
    status: GateStatus

    def blocking(self) -> list[str]:
        """What stops a go (exit 1 when anything does)."""
        return self.status.blocking()

    def as_json(self) -> dict[str, Any]:
        return envelope(
            KIND,
            SCHEMA_VERSION,
            file=str(self.file),
            engineer=self.gate.engineer,
            items=[{**asdict(i), "ok": i.ok} for i in self.status.items],
            signatures=[s.model_dump(mode="json") for s in self.gate.signatures],
            signoff=self.status.signoff,
            last_no_go=self.status.last_no_go,
            blocking=self.blocking(),
        )


def gate_status(*, context: Context, file: Path) -> GateReport:
    """Load the checklist at FILE and verify each item's evidence (runs, runbooks, matrix...)."""
    from drillctl.readiness import gate as gates
    from drillctl.readiness.gate_evidence import status

    gate = gates.load(file)
    return GateReport(file, gate, status(gate, file.resolve().parent, context.runs_dir))
