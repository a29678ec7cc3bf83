"""``drillctl recover [--yes]``: revert what an interrupted drill left in place.

Parsing and printing only; the work is in ``drillctl.engine.recover``. Exit 0 when nothing is left
to revert, 4 when a revert failed (the message says the state and what to run).
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from drillctl.cli._common import run_guarded
from drillctl.core.errors import DrillError, PreflightError, RevertFailedError

if TYPE_CHECKING:  # the recovery machinery loads when recover runs
    from drillctl.context import Context
    from drillctl.engine.recover import UnrecoveredRun
    from drillctl.engine.rollback import RevertFailure


def register(app: typer.Typer) -> None:
    app.command("recover")(recover_cmd)


def recover_cmd(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="revert without asking")] = False,
) -> None:
    """Revert the faults of interrupted drills (found in the state dir's run journals)."""
    code = run_guarded(lambda: _recover(ctx.obj, yes))
    if code:
        raise typer.Exit(code)


def _recover(context: Context, yes: bool) -> None:
    out = context.console
    from drillctl.engine.recover import unrecovered_runs

    out.soft_wrap = True  # commands to copy stay on one line
    runs = unrecovered_runs(context.state_dir)
    try:
        if runs:
            _revert(context, runs, yes)
        else:
            where = escape(str(context.state_dir))
            out.print(f"nothing to recover: no run in {where} left a fault in place")
    finally:  # paging comes back even when a revert failed: someone must hear of it
        _expire_silences(context)


def _expire_silences(context: Context) -> None:
    """The Alertmanager silences that killed drills left active (``[drill] silence``)."""
    from drillctl.commands.silence import expire_left, left_silences
    from drillctl.engine.lock import live_run_ids

    runs_dir = context.runs_dir
    live = live_run_ids(context.state_dir)
    dirs = sorted(d for d in runs_dir.iterdir() if d.name not in live) if runs_dir.is_dir() else []
    silences = left_silences(dirs)
    if not silences:
        return
    say = lambda text: context.console.print(escape(text))  # noqa: E731
    if asyncio.run(expire_left(silences, context.clock, say)):
        raise PreflightError("a silence could not be expired; it ends by itself at its endsAt")


def _revert(context: Context, runs: list[UnrecoveredRun], yes: bool) -> None:
    out = context.console
    for run in runs:
        _show(context, run)
    if not yes and not _confirm(sum(len(r.faults) for r in runs)):
        raise PreflightError("nothing was reverted", hint="run `drillctl recover --yes` to revert")
    failures: list[RevertFailure] = []
    for run in runs:
        failures += asyncio.run(_recover_one(context, run))
    if failures:
        lines = [f"{len(failures)} revert(s) failed; the stack may be left degraded:"]
        for f in failures:
            lines += [
                f"  - fault {f.index} ({f.id}): {f.error}",
                f"    state: {f.state}",
                f"    to do: {f.todo}",
            ]
        raise RevertFailedError("\n".join(lines))
    out.print(f"recovered: {sum(len(r.faults) for r in runs)} fault(s) reverted")


def _show(context: Context, run: UnrecoveredRun) -> None:
    project = run.target.get("project") or context.settings.project.name or "(configured project)"
    context.console.print(
        f"run {escape(run.run_id)} (project {escape(str(project))}, started {run.started}):"
    )
    for fault in run.faults:
        failed = f" — its revert failed before: {fault.last_error}" if fault.last_error else ""
        context.console.print(
            f"  fault {fault.index} {escape(fault.id)}: {escape(fault.plan)}{escape(failed)}"
        )
        context.console.print(f"    will revert: {escape(fault.revert)}")


def _confirm(count: int) -> bool:
    if not sys.stdin.isatty():
        raise PreflightError(
            "recover asks before reverting, and stdin is not a terminal",
            hint="run `drillctl recover --yes` to revert without asking",
        )
    return typer.confirm(f"revert these {count} fault(s)?", default=True)


async def _recover_one(context: Context, run: UnrecoveredRun) -> list[RevertFailure]:
    def driver_for(target: dict[str, Any]) -> Any:
        from drillctl.target.factory import build_driver  # docker SDK: only when there is work

        return build_driver(context.settings, clock=context.clock, target=target)

    def say(text: str) -> None:
        context.console.print(escape(text))

    from drillctl.engine.recover import recover_run

    failures = await recover_run(
        run,
        driver_for,
        state_dir=context.state_dir,
        clock=context.clock,
        redactor=context.redactor,
        say=say,
    )
    verdict = "reverted" if not failures else f"{len(failures)} revert(s) failed"
    context.console.print(f"run {escape(run.run_id)}: {verdict}")
    _index(context, run)
    return failures


def _index(context: Context, run: UnrecoveredRun) -> None:
    """``drillctl history`` lists the run ("aborted, recovered by drillctl recover"); an unusable
    index does not undo a recovery: it is said, and ``history rebuild`` fixes it."""
    from drillctl.report.history import index_run

    try:
        index_run(context.history_db, run.run_dir)
    except DrillError as exc:
        context.console.print(f"warning: the history index was not updated: {escape(str(exc))}")
