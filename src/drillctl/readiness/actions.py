"""The readiness commands' work, for the thin CLI layer: run an escalation check (and log it),
and gather the evidence for one gate item. No typer here: bad input is a ``DrillError``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path
from typing import cast

import httpx

from drillctl.context import Context
from drillctl.core.errors import DrillError
from drillctl.readiness import render
from drillctl.readiness.escalation_live import EscalationResult, check_escalation
from drillctl.readiness.findings import blockers
from drillctl.readiness.gate_evidence import verify_run, verify_runbook
from drillctl.readiness.review_actions import gate_evidence
from drillctl.readiness.reviews import Kind
from drillctl.readiness.services import Services, live_settings

CHECK_LOG = "escalation-checks.jsonl"


def escalation(
    context: Context,
    path: Path,
    *,
    env: Mapping[str, str],
    offline: bool = False,
    ping: bool = False,
    ack_timeout: float = 300.0,
) -> EscalationResult:
    """Check a matrix with the configured tokens; networked checks are logged in the state dir."""
    live = live_settings(context.settings.notify, env, ack_timeout=ack_timeout)
    context.redactor.add(
        *(v for v in (live.pagerduty_token, live.slack_token, live.pagerduty_routing_key) if v)
    )

    async def run() -> EscalationResult:
        async with httpx.AsyncClient() as client:
            services = Services.build(client, context.clock, live)
            return await check_escalation(path, services, offline=offline, ping=ping)

    result = asyncio.run(run())
    if not offline:
        _log(context, result)
    return result


def _log(context: Context, result: EscalationResult) -> None:
    """Append the check, and who acknowledged the pings, to the state dir's check log."""
    log = context.state_dir / CHECK_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(render.escalation_record(result, context.clock.now().isoformat()) + "\n")


def evidence_for(
    context: Context,
    kind: str | None,
    base: Path,
    *,
    env: Mapping[str, str],
    run: str | None = None,
    runbook: Path | None = None,
    matrix: Path | None = None,
    ping: bool = False,
    reviewed: Path | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The evidence to record for a gate item, and what is wrong with it (empty: it holds)."""
    if kind in ("security-register", "api-changelog"):
        return gate_evidence(context, cast(Kind, kind), reviewed, base)
    if kind == "run":
        if not run:
            raise DrillError("the drill item needs --run RUN_ID (a run of `drillctl run`)")
        return {"run_id": run}, verify_run(context.runs_dir, run)
    if kind == "runbook":
        if runbook is None:
            raise DrillError("the runbook item needs --runbook PATH")
        return {"path": relative(runbook, base)}, verify_runbook(runbook)
    if kind == "matrix":
        if matrix is None or not matrix.is_file():
            raise DrillError("the escalation-matrix item needs --matrix FILE (an existing file)")
        return _matrix_evidence(context, matrix, base, env=env, ping=ping)
    return {}, []


def _matrix_evidence(
    context: Context, matrix: Path, base: Path, *, env: Mapping[str, str], ping: bool
) -> tuple[dict[str, str], list[str]]:
    result = escalation(context, matrix, env=env, ping=ping)
    evidence = {
        "file": relative(matrix, base),
        "sha256": result.sha256,
        "checked_at": context.clock.now().isoformat(),
    }
    if result.acks:
        evidence["acks"] = "; ".join(
            f"{a.channel}: {a.who} at {a.at.isoformat()}" for a in result.acks
        )
    return evidence, [str(f) for f in blockers(result.findings)]


def relative(path: Path, base: Path) -> str:
    """``path`` as written in the gate file: relative to the gate file's folder."""
    return os.path.relpath(path.resolve(), base)
