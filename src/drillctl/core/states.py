"""The states of a run, a fault and an alert, and the kinds of change: plain enums, so that the
error table and the CLI can name them without loading the journal's pydantic models."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """The engine's phases, in the order a drill goes through them."""

    PREFLIGHT = "preflight"
    TRAFFIC = "traffic"
    BASELINE = "baseline"
    INJECT = "inject"
    OBSERVE = "observe"
    REVERT = "revert"
    RECOVER = "recover"
    REPORT = "report"


class RunResult(StrEnum):
    """How a run ended; ``core.errors.EXIT_CODES`` maps each to the process exit code."""

    PASSED = "passed"
    FAILED = "failed"  # an expectation failed
    ABORTED = "aborted"  # responder, guardrail, signal
    REVERT_FAILED = "revert-failed"  # something is still broken: `drillctl recover`
    NOT_STEADY = "not-steady"  # the baseline was not steady: nothing injected
    INVALID = "invalid"  # the scenario or the configuration was wrong


class RevertedBy(StrEnum):
    """Who or what started a revert."""

    ENGINE = "engine"  # the fault's time was up, or the drill ended
    RESPONDER = "responder"
    GUARDRAIL = "guardrail"
    SIGNAL = "signal"  # Ctrl-C, SIGTERM
    RECOVER = "recover"  # `drillctl recover`, after the drill's process died
    GAME_MASTER = "game-master"


class FaultState(StrEnum):
    """Where a fault is, as its events tell it."""

    INJECTING = "injecting"  # inject-started: the undo is written, the fault may be acting
    INJECTED = "injected"
    INJECT_FAILED = "inject-failed"
    REVERTING = "reverting"
    REVERTED = "reverted"
    REVERT_FAILED = "revert-failed"


class AlertState(StrEnum):
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


class ChangeKind(StrEnum):
    """The kind of change a root cause (the scenario's or a hypothesis's) names."""

    STOPPED = "stopped"
    CRASHED = "crashed"
    RESTARTED = "restarted"
    RECREATED = "recreated"  # recreated with a changed definition (image, configuration, env)
    COMMAND = "command"  # a command run in it
    FLUSHED = "flushed"  # its keyspace flushed
    SURGE = "surge"  # a traffic surge from one source
    NETWORK_OR_RESOURCE = "network-or-resource"  # a network or resource fault
