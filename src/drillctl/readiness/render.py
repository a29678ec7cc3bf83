"""Text and JSON renderings of the escalation check and the gate status (pure functions)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from drillctl.core.envelope import envelope
from drillctl.readiness.findings import SCHEMA_VERSION, blockers

if TYPE_CHECKING:  # types only: the live modules load httpx, which the CLI imports on use
    from drillctl.readiness.escalation_live import EscalationResult
    from drillctl.readiness.gate import Gate
    from drillctl.readiness.gate_evidence import GateStatus


def verdict(count: int) -> str:
    return (
        "GO: nothing blocks" if count == 0 else f"NO-GO: {count} blocker{'s' if count != 1 else ''}"
    )


def escalation_json(result: EscalationResult) -> str:
    body = envelope(
        "escalation-check",
        SCHEMA_VERSION,
        file=result.file,
        sha256=result.sha256,
        clean=result.clean,
        offline=result.offline,
        ping=result.ping,
        findings=[asdict(f) for f in result.findings],
        acks=[asdict(a) for a in result.acks],
    )
    return json.dumps(body, indent=2, default=str)


def escalation_record(result: EscalationResult, at: str) -> str:
    """One line of the check log: what was checked, whether it was clean, who acknowledged."""
    record = {
        "at": at,
        "file": result.file,
        "sha256": result.sha256,
        "clean": result.clean,
        "ping": result.ping,
        "blockers": [str(f) for f in blockers(result.findings)],
        "acks": [asdict(a) for a in result.acks],
    }
    return json.dumps(record, default=str)


def gate_lines(gate: Gate, status: GateStatus, file: str) -> list[str]:
    lines = [f"On-call readiness gate for {gate.engineer} ({file})"]
    width = max(len(i.id) for i in status.items)
    for item in status.items:
        mark = "ok" if item.ok else ("!!" if item.done else "--")
        lines.append(f"  {mark}  {item.id.ljust(width)}  {item.title}")
        for text in [item.detail] if item.ok else item.problems:
            lines.append(f"      {' ' * width}  {text}")
    lines.append(f"Sign-off: {_signatures(gate)}")
    lines += [f"  {p}" for p in status.signoff]
    if status.last_no_go:
        lines.append(f"Last {status.last_no_go}")
    lines.append(verdict(len(status.blocking())))
    return lines


def _signatures(gate: Gate) -> str:
    if not gate.signatures:
        return "none yet"
    return "; ".join(
        f"{s.role} {s.name}: {s.decision} at {s.at:%Y-%m-%d %H:%M} UTC" for s in gate.signatures
    )
