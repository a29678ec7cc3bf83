"""How a drill that did not run its course ends: the outcome of a signal, a drillctl error or a
crash, once the engine's stack has unwound (every fault reverted, or a revert failed)."""

from __future__ import annotations

import traceback
from typing import Any

from drillctl.core.errors import DrillError, ExitCode
from drillctl.core.events import Guardrail
from drillctl.engine.ports import LiveJournal, Outcome

REVERT_FAILED_HINT = "a revert failed: the stack may be degraded; run `drillctl recover`"


def interrupted(revert_failed: bool) -> Outcome:
    if revert_failed:
        return Outcome(ExitCode.REVERT_FAILED, "revert-failed", "interrupted, and a revert failed")
    return Outcome(ExitCode.ABORTED, "aborted", "interrupted (SIGINT/SIGTERM); faults reverted")


def failed(exc: DrillError, revert_failed: bool) -> Outcome:
    if revert_failed or exc.exit_code == ExitCode.REVERT_FAILED:
        return Outcome(ExitCode.REVERT_FAILED, "revert-failed", str(exc))
    result = {ExitCode.ABORTED: "aborted", ExitCode.NOT_STEADY: "not-steady"}.get(
        exc.exit_code, "invalid"
    )
    return Outcome(int(exc.exit_code), result, str(exc))


def crashed(exc: Exception, revert_failed: bool, journal: LiveJournal) -> Outcome:
    """A bug in drillctl or a plugin: journalled, its traceback in crash.log beside the journal."""
    detail = "".join(traceback.format_exception(exc))
    journal.append(Guardrail(name="internal-error", reason=f"{type(exc).__name__}: {exc}"))
    (journal.path.parent / "crash.log").write_text(detail, encoding="utf-8")
    if revert_failed:
        reason = f"internal error ({exc}), and a revert failed"
        return Outcome(ExitCode.REVERT_FAILED, "revert-failed", reason)
    reason = f"internal error: {type(exc).__name__}: {exc}; faults reverted"
    return Outcome(ExitCode.ABORTED, "aborted", reason)


def stopped(outcome: Outcome, if_revert_failed: str | None, revert_failed: bool) -> Outcome:
    """The engine stopped the drill itself (preflight, baseline, inject, guardrail...)."""
    if not revert_failed or outcome.result == "revert-failed":
        return outcome
    return Outcome(
        ExitCode.REVERT_FAILED,
        "revert-failed",
        if_revert_failed or f"{outcome.reason}; and a revert failed",
    )


def traffic_words(totals: dict[str, Any]) -> str:
    sent, ok, errors = totals.get("sent", 0), totals.get("ok", 0), totals.get("errors", 0)
    return f"drillctl traffic: {sent} sent, {ok} ok, {errors} errors"
