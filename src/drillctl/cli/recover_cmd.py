"""``drillctl recover [--yes] [--format text|json]``: parsing, asking and printing only.

The work is in ``drillctl.commands.recover``. Exit 0 when nothing is left to revert, 4 when a
revert failed (the message says the state and what to run). With ``--format json`` the envelope
goes to stdout and the revert's progress lines to stderr.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from drillctl.cli._common import Format, FormatOption, run_guarded
from drillctl.core.errors import PreflightError, RevertFailedError

if TYPE_CHECKING:  # the recovery machinery loads when recover runs
    from drillctl.commands.recover import RecoverPlan, RecoverReport, RunLeft
    from drillctl.context import Context


def register(app: typer.Typer) -> None:
    app.command("recover")(recover_cmd)


def recover_cmd(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="revert without asking")] = False,
    output: FormatOption = Format.text,
) -> None:
    """Revert the faults of interrupted drills (found in the state dir's run journals)."""
    code = run_guarded(lambda: _recover(ctx.obj, yes, output))
    if code:
        raise typer.Exit(code)


def _recover(context: Context, yes: bool, output: Format) -> None:
    from drillctl.commands.recover import find_left, recover

    out = context.console if output is Format.text else Console(stderr=True)
    out.soft_wrap = True  # commands to copy stay on one line
    plan = find_left(context=context)
    if output is Format.text:
        _show(out, plan)
    refusal = None if yes or not plan.runs else _refusal(plan.fault_count)
    say = lambda text: out.print(escape(text))  # noqa: E731
    # silences are expired even when the reverts are refused: paging must come back
    report = recover(context=context, plan=plan, revert=refusal is None, say=say)
    if output is Format.json:
        from drillctl.commands.envelope import dumps

        typer.echo(dumps(report), nl=False)
    if refusal is not None:
        raise refusal
    _conclude(out, report, output)


def _show(out: Console, plan: RecoverPlan) -> None:
    if not plan.runs:
        where = escape(str(plan.state_dir))
        out.print(f"nothing to recover: no run in {where} left a fault in place")
    for run in plan.runs:
        _show_run(out, run)


def _show_run(out: Console, run: RunLeft) -> None:
    out.print(f"run {escape(run.run_id)} (project {escape(run.project)}, started {run.started}):")
    for fault in run.faults:
        failed = f" — its revert failed before: {fault.last_error}" if fault.last_error else ""
        out.print(f"  fault {fault.index} {escape(fault.id)}: {escape(fault.plan)}{escape(failed)}")
        out.print(f"    will revert: {escape(fault.will_revert)}")


def _conclude(out: Console, report: RecoverReport, output: Format) -> None:
    """The per-run verdicts, then the exit: 4 when a revert failed."""
    if output is Format.text:
        for run in report.runs:
            verdict = "reverted" if run.reverted else f"{len(run.failures)} revert(s) failed"
            out.print(f"run {escape(run.run_id)}: {verdict}")
    if report.failures:
        from drillctl.engine.rollback import failure_message

        raise RevertFailedError(failure_message(report.failures))
    if report.silences.failed:
        raise PreflightError("a silence could not be expired; it ends by itself at its endsAt")
    if report.runs and output is Format.text:
        out.print(f"recovered: {sum(len(r.faults) for r in report.runs)} fault(s) reverted")


def _refusal(count: int) -> PreflightError | None:
    """Ask before reverting; the error to end with when the answer is no (or none can be had)."""
    if not sys.stdin.isatty():
        return PreflightError(
            "recover asks before reverting, and stdin is not a terminal",
            hint="run `drillctl recover --yes` to revert without asking",
        )
    if typer.confirm(f"revert these {count} fault(s)?", default=True):
        return None
    return PreflightError("nothing was reverted", hint="run `drillctl recover --yes` to revert")
