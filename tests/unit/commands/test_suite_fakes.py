"""Fakes for the suite's unit tests: a drill that answers from a script, a settler, a lab."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from drillctl.commands.finish import Finished
from drillctl.commands.run import RunRequest, RunResult
from drillctl.commands.suite_report import Settled
from drillctl.config import DrillConfig, NotifyConfig, ProjectConfig, Settings
from drillctl.context import Context
from drillctl.core.clock import FakeClock
from drillctl.engine.engine import Outcome
from drillctl.report.archive import Written
from drillctl.report.history import index_summary
from drillctl.report.model import (
    AlertSummary,
    DrillSummary,
    Durations,
    Expectation,
    Moments,
    SignalSummary,
)
from drillctl.scenario.catalog import Catalog, Loaded

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
RESULTS = {
    0: "passed",
    1: "failed",
    2: "invalid",
    3: "aborted",
    4: "revert-failed",
    5: "not-steady",
}


def context(tmp_path: Path, webhook: str | None = None) -> Context:
    settings = Settings(
        project=ProjectConfig(name="ebit-lab"),
        drill=DrillConfig(state_dir=tmp_path / "state"),
        notify=NotifyConfig(slack_webhook=webhook),
    )
    console = Console(file=io.StringIO(), width=200)
    return Context(settings=settings, console=console, clock=FakeClock(T0))


def builtins(*names: str) -> list[Loaded]:
    catalog = Catalog(None)
    return [catalog.load(name) for name in names]


def summary(
    scenario: str,
    code: int = 0,
    *,
    run_id: str | None = None,
    started: datetime = T0,
    detect: float | None = 4.0,
    recover: float | None = 20.0,
    alerts: dict[str, float] | None = None,
    reason: str | None = None,
) -> DrillSummary:
    result = RESULTS[code]
    fired = {"WsHandshakesThrottled": 8.0} if alerts is None else alerts
    expectations = [Expectation(name="symptom", passed=code != 1, detail="symptom within 30s")]
    return DrillSummary(
        run_id=run_id or f"{started:%Y%m%d-%H%M%S}-{scenario}",
        scenario=scenario,
        result=result,
        exit_code=code,
        reason=reason or result,
        mode="unattended",
        project="ebit-lab",
        at=Moments(started=started, ended=started + timedelta(seconds=90)),
        durations=Durations(detect_s=detect, recover_s=recover, drill_s=90.0),
        alerts=[
            AlertSummary(name=n, fired_at=started + timedelta(seconds=v), latency_s=v)
            for n, v in fired.items()
        ],
        expectations=expectations if code in (0, 1) else [],
        signals=[SignalSummary(name="handshakes_throttled", baseline=0.0, spread=0.0, samples=10)],
    )


@dataclass
class ScriptedDrill:
    """``drill(context, request)``: the next scripted summary (or exception); indexes history
    like the real run code path does."""

    script: dict[str, list[DrillSummary | BaseException]]
    calls: list[tuple[Context, RunRequest]] = field(default_factory=list)

    def __call__(self, context: Context, request: RunRequest) -> RunResult:
        self.calls.append((context, request))
        step = self.script[request.scenario.name].pop(0)
        if isinstance(step, BaseException):
            raise step
        run_dir = context.runs_dir / step.run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "journal.jsonl").write_text("{}\n", encoding="utf-8")
        index_summary(context.history_db, step, run_dir)
        assert context.clock is not None
        context.clock.advance(90)  # type: ignore[attr-defined]
        outcome = Outcome(step.exit_code or 0, step.result, step.reason or "")
        finished = Finished(written=Written(summary=step, links={}))
        return RunResult(step.run_id, run_dir, outcome, finished)


@dataclass
class RecordingSettler:
    calls: list[tuple[str | None, str, float]] = field(default_factory=list)
    answer: Callable[[str], Settled] | None = None

    def __call__(self, before: Any, previous: Any, scenario: Any, hold: float) -> Settled:
        self.calls.append((before.name if before else None, scenario.name, hold))
        if self.answer is not None:
            return self.answer(scenario.name)
        return Settled(scenario.name, 3.0, True)


@dataclass
class FakeLab:
    project_name: str = "ebit-suite"
    project_dir: Path = Path("/lab/compose")
    compose_files: list[Path] = field(default_factory=lambda: [Path("/lab/compose/compose.yaml")])
    events: list[str] = field(default_factory=list)
    fail_up: BaseException | None = None

    @property
    def endpoints(self) -> Any:
        from drillctl.lab.endpoints import LabEndpoints

        return LabEndpoints.from_env({"EBIT_LAB_PROMETHEUS_PORT": "29090"})

    running: bool = False

    def status(self) -> list[Any]:
        from drillctl.lab.stack import ServiceStatus

        state = "running" if self.running else "missing"
        return [ServiceStatus("ebit-api", "", state, "")]

    def up(self, smoke: bool = False) -> None:
        self.events.append(f"up smoke={smoke}")
        if self.fail_up is not None:
            raise self.fail_up

    def down(self, volumes: bool = False) -> None:
        self.events.append(f"down volumes={volumes}")
