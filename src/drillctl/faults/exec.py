"""exec: run an argv list inside a service's container (never a shell string unless shell: true).

The argv goes to the container as a list, so shell metacharacters reach the program verbatim.
Secrets in the argv (``redis-cli -a cache``) are masked in the plan, the journal and the output;
an optional ``revert_argv`` is kept in a 0600 file in the run directory, never in the journal.
"""

from __future__ import annotations

import itertools
import shlex
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from drillctl.core.durations import Duration
from drillctl.core.errors import PreflightError, TargetError
from drillctl.core.redact import MASK, SECRET_FLAGS, Redactor
from drillctl.faults._aio import blocking
from drillctl.faults._files import private_name, read_private, remove_private, write_private
from drillctl.faults._service import require_service
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan
from drillctl.target.base import ExecResult

OUTPUT_LIMIT = 2000  # characters of stdout / stderr kept in the journal


class ExecParams(FaultParams):
    type: Literal["exec"]
    service: str
    argv: list[str] | None = None
    command: str | None = None  # only with shell: true
    shell: bool = False
    expect_exit: int | None = Field(0, ge=0, le=255)  # None: any exit code is accepted
    revert_argv: list[str] | None = None  # optional undo command, run on revert
    user: str | None = None
    duration: Duration | None = None  # observe window before the revert command runs

    @model_validator(mode="after")
    def _argv_or_shell(self) -> ExecParams:
        if self.shell and not self.command:
            raise ValueError("shell: true needs 'command' (a string run by /bin/sh -c)")
        if not self.shell and self.command:
            raise ValueError(
                "'command' is a shell string: set shell: true, or give 'argv' as a list"
            )
        if not self.shell and not self.argv:
            raise ValueError(
                "give 'argv' as a list of arguments, e.g. [redis-cli, -a, cache, FLUSHDB]"
            )
        return self

    def full_argv(self) -> list[str]:
        return ["/bin/sh", "-c", self.command or ""] if self.shell else list(self.argv or [])


def argv_secrets(argv: list[str]) -> list[str]:
    """The values that follow a secret flag (``-a cache`` gives ``cache``)."""
    return [value for flag, value in itertools.pairwise(argv) if flag in SECRET_FLAGS]


def _by_hand(p: ExecParams) -> tuple[str, ...]:
    """The revert command for a runbook, its secret words masked; none without ``revert_argv``."""
    if not p.revert_argv:
        return ()
    return ("exec", p.service, *Redactor().redact_argv(p.revert_argv))


def show_argv(argv: list[str]) -> str:
    """A printable, redacted command line; a shell string is redacted word by word."""
    if len(argv) == 3 and argv[:2] == ["/bin/sh", "-c"]:
        return f"sh -c {shell_redacted(argv[2])!r}"
    return join_argv(Redactor().redact_argv(argv))


def shell_redacted(command: str) -> str:
    """A shell string with the words after secret flags masked, otherwise as written."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return Redactor(argv_secrets(words)).redact(command)


def join_argv(argv: list[str]) -> str:
    """``shlex.join``, except that the mask stays readable (``-a ***``, not ``-a '***'``)."""
    return " ".join(arg if arg == MASK else shlex.quote(arg) for arg in argv)


class Exec:
    type_name: ClassVar[str] = "exec"
    params_model: ClassVar[type[FaultParams]] = ExecParams

    def __init__(self, params: ExecParams) -> None:
        self.params = params
        self._private = private_name("exec") if params.revert_argv else None

    def plan(self) -> FaultPlan:
        p = self.params
        revert = (
            f"run {show_argv(p.revert_argv)} in {p.service}"
            if p.revert_argv
            else "nothing (no revert_argv)"
        )
        return FaultPlan(
            action=f"run {show_argv(p.full_argv())} in service {p.service}",
            targets=[p.service],
            duration=p.duration,
            revert=revert,
            by_hand=_by_hand(p),
        )

    async def check(self, env: FaultEnv) -> None:
        state = await require_service(env, self.params.service)
        if state.running == 0:
            raise PreflightError(
                f"service {self.params.service} is {state.state}: exec needs it running"
            )

    def undo(self) -> dict[str, Any]:
        return {"service": self.params.service, "private": self._private}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        p = self.params
        if self._private:
            write_private(env.run_dir, self._private, {"argv": p.revert_argv, "user": p.user})
        argv = p.full_argv()
        done = await blocking(env.target.exec, p.service, argv, user=p.user)
        result = output_dict(done, env.redactor, argv)
        if p.expect_exit is not None and done.exit_code != p.expect_exit:
            tail = result["stderr"][-300:] or result["stdout"][-300:]
            raise TargetError(
                f"{show_argv(argv)} exited {done.exit_code}, expected {p.expect_exit}: {tail}"
            )
        return result

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        saved = read_private(env.run_dir, undo.get("private"))
        if not saved:
            return {"skipped": "no revert command"}
        argv = saved["argv"]
        done = await blocking(env.target.exec, undo["service"], argv, user=saved.get("user"))
        if done.exit_code != 0:
            out = output_dict(done, env.redactor, argv)
            raise TargetError(f"{show_argv(argv)} exited {done.exit_code}: {out['stderr'][-300:]}")
        remove_private(env.run_dir, undo.get("private"))
        return output_dict(done, env.redactor, argv)


def output_dict(done: ExecResult, redactor: Redactor, argv: list[str]) -> dict[str, Any]:
    """Exit code and output, with the run's secrets and the argv's own secrets masked."""
    local = Redactor(argv_secrets(argv))

    def clean(text: str) -> str:
        return redactor.redact(local.redact(text))[-OUTPUT_LIMIT:]

    return {"exit_code": done.exit_code, "stdout": clean(done.stdout), "stderr": clean(done.stderr)}
