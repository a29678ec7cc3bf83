"""The few exceptions drillctl raises on purpose, each carrying the exit code of DESIGN.md.

Adapters translate library errors into these at the boundary (``raise ... from exc``); the CLI
turns them into a message and an exit code, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from drillctl.core.states import RunResult


class ExitCode(IntEnum):
    OK = 0  # every expectation met
    EXPECTATION_FAILED = 1  # the drill ran, an expectation failed
    INVALID = 2  # bad file, configuration or state; nothing was injected
    ABORTED = 3  # a guardrail or the operator stopped the drill; faults reverted
    REVERT_FAILED = 4  # a revert failed: the stack may be degraded
    NOT_STEADY = 5  # symptom already present during the baseline; nothing injected


# the one table from a run's result to the process's exit code (engine and report still carry both)
EXIT_CODES: dict[RunResult, ExitCode] = {
    RunResult.PASSED: ExitCode.OK,
    RunResult.FAILED: ExitCode.EXPECTATION_FAILED,
    RunResult.INVALID: ExitCode.INVALID,
    RunResult.ABORTED: ExitCode.ABORTED,
    RunResult.REVERT_FAILED: ExitCode.REVERT_FAILED,
    RunResult.NOT_STEADY: ExitCode.NOT_STEADY,
}


class DrillError(Exception):
    """Base of every error drillctl reports to the user."""

    exit_code: ExitCode = ExitCode.INVALID

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file: ``FILE:LINE:COL: path: message``."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(DrillError):
    """A scenario (or other input file) is invalid; carries every located problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ConfigError(DrillError):
    """drillctl.toml, an environment variable or a flag is invalid."""


class TargetError(DrillError):
    """The target (compose project, docker engine) refused or failed an operation."""


class PreflightError(DrillError):
    """The scenario does not fit the live project or a required source; nothing was injected."""


class LockError(DrillError):
    """Another drill holds the lock on this compose project."""


class UnrecoveredRunError(DrillError):
    """A previous run left faults injected; `drillctl recover` must run first."""


class AbortedError(DrillError):
    exit_code = ExitCode.ABORTED


class RevertFailedError(DrillError):
    exit_code = ExitCode.REVERT_FAILED


class NotSteadyError(DrillError):
    exit_code = ExitCode.NOT_STEADY


# What a parser of a server's answer raises when the answer is off its documented shape (a dict
# where a list was, a missing key, a value that is not a number, a timestamp out of range, nesting
# too deep). Clients translate these at their boundary: a source into SourceUnavailable, the
# readiness APIs into ApiFailure.
SHAPE_ERRORS = (
    KeyError,
    TypeError,
    ValueError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
)


class SourceUnavailable(Exception):
    """An observer source could not answer. Never fatal: the drill records it and goes on."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source} unavailable: {reason}")
        self.source = source
        self.reason = reason
