"""``drillctl suite``: several drills one after another, unattended, as a nightly CI job runs them.

``run_suite`` runs each chosen scenario through the same code path as ``drillctl run
--non-interactive`` (``session.run_drill``: lock, engine, reports, history index), with a settle
period before each (drill/suite_settle.py). Order of events:

- with ``--lab`` the reference lab is brought up (with smoke traffic) first and taken down at the
  end, volumes included, on every exit path: normal end, a failure, Ctrl-C or SIGTERM;
- a run that exits 4 (a revert failed) stops the suite at once, and so does an interrupted run
  (its faults were reverted) or a signal between two runs; any other failure lets the suite go on;
- after each judged run its durations are compared with the median of the previous unattended
  runs of the same scenario on the same target (drill/regression.py) — the run itself was
  already indexed in the history by the run code path;
- per-run Slack posting is off inside a suite: one suite message is posted instead (the CLI).
The result (``SuiteResult``) and its reports are in drill/suite_report.py.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from drillctl.commands.progress import Progress
from drillctl.commands.regression import Tolerance, comparable, compare
from drillctl.commands.run import RunRequest, RunResult, run_drill
from drillctl.commands.suite_report import ScenarioRun, Settled, SuiteResult
from drillctl.commands.suite_settle import ObserverSettler
from drillctl.context import Context
from drillctl.core.errors import DrillError
from drillctl.engine.run_ids import new_run_id
from drillctl.report.history import previous_runs, record_of
from drillctl.report.model import DrillSummary, Durations, Moments
from drillctl.scenario.catalog import Loaded
from drillctl.scenario.model import ScenarioBase

HISTORY_WINDOW = 10  # previous runs in the median


@dataclass(frozen=True)
class SuiteOptions:
    operator: str
    max_duration: timedelta = timedelta(minutes=15)
    fail_on_regression: bool = False
    tolerance: Tolerance = field(default_factory=Tolerance)
    settle_timeout: float = 180.0
    settle_hold: float = 5.0
    lab_hold: float = 15.0  # a fresh lab: let the rate windows fill before the first baseline
    quiet: bool = False  # progress lines: only each drill's result


Drill = Callable[[Context, RunRequest], RunResult]
Settler = Callable[[ScenarioBase | None, DrillSummary | None, ScenarioBase, float], Settled]


class Suite:
    """One suite over ``loaded`` scenarios; ``drill`` and ``settler`` are seams for tests."""

    def __init__(
        self,
        context: Context,
        loaded: Sequence[Loaded],
        options: SuiteOptions,
        *,
        drill: Drill = run_drill,
        settler: Settler | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.context = context
        self.loaded = list(loaded)
        self.options = options
        self.drill = drill
        self.settler = settler
        self.say = say or (lambda text: context.console.print(text, markup=False, highlight=False))

    def run(self, result: SuiteResult, *, fresh_lab: bool = False) -> SuiteResult:
        """Run every scenario into ``result``; a drill's failure never raises."""
        drill_context = replace(self.context, settings=_without_webhook(self.context.settings))
        previous: tuple[ScenarioBase, DrillSummary] | None = None
        try:
            for number, loaded in enumerate(self.loaded, 1):
                hold = self.options.lab_hold if fresh_lab and previous is None else None
                settled = self._settle(previous, loaded.scenario, hold)
                run = self._one(drill_context, loaded, settled, number)
                result.runs.append(run)
                previous = (loaded.scenario, run.summary)
                result.stopped = _stop_reason(run)
                if result.stopped:
                    result.interrupted = run.exit_code == 3
                    break
        except KeyboardInterrupt:
            result.stopped = "interrupted (SIGINT/SIGTERM) between two drills"
            result.interrupted = True
        result.skipped = [x.scenario.name for x in self.loaded[len(result.runs) :]]
        result.ended_at = self.context.clock.now()
        return result

    # -- one scenario ----------------------------------------------------------------------

    def _settle(
        self,
        previous: tuple[ScenarioBase, DrillSummary] | None,
        scenario: ScenarioBase,
        hold: float | None,
    ) -> Settled | None:
        if self.settler is None:
            return None
        before, summary = previous if previous else (None, None)
        self.say(f"settling before {scenario.name}…")
        settled = self.settler(before, summary, scenario, hold or self.options.settle_hold)
        if not settled.settled:
            still = "; ".join(settled.waiting_for)
            self.say(f"warning: not settled after {settled.seconds:.0f}s, going on: {still}")
        return settled

    def _one(
        self, context: Context, loaded: Loaded, settled: Settled | None, number: int
    ) -> ScenarioRun:
        name = loaded.scenario.name
        self.say(f"[{number}/{len(self.loaded)}] {name}: running")
        request = RunRequest(
            scenario=loaded.scenario,
            scenario_file=loaded.source,
            interactive=False,
            operator=self.options.operator,
            max_duration=self.options.max_duration,
            progress=Progress(sys.stderr, quiet=self.options.quiet),
        )
        try:
            done = self.drill(context, request)
        except DrillError as exc:  # refused before the engine: lock, unrecovered run, bad config
            self.say(f"[{number}/{len(self.loaded)}] {name}: not run (exit {exc.exit_code}): {exc}")
            return ScenarioRun(name, int(exc.exit_code), _not_run(name, exc), settle=settled)
        summary = _summary_of(name, done)
        run = ScenarioRun(name, int(done.outcome.exit_code), summary, done.run_dir, settle=settled)
        if done.outcome.result in ("passed", "failed"):
            run.regressions, run.compared_with = self._regressions(summary, done.run_dir)
        self.say(
            f"[{number}/{len(self.loaded)}] {name}: {summary.result} (exit {run.exit_code})"
            + "".join(f"\n  regression: {r.message}" for r in run.regressions)
        )
        return run

    def _regressions(self, summary: DrillSummary, run_dir: Path) -> tuple[list[Any], int]:
        db = self.context.history_db
        try:
            records = previous_runs(
                db,
                summary.scenario,
                summary.project,
                limit=10 * HISTORY_WINDOW,
                before=summary.at.started,
                exclude_run_id=summary.run_id,
            )
        except DrillError as exc:  # a broken index loses the comparison, never the suite
            self.say(f"warning: no regression check for {summary.scenario}: {exc}")
            return [], 0
        earlier = comparable(records, summary.run_id, HISTORY_WINDOW)
        return compare(record_of(summary, run_dir), earlier, self.options.tolerance), len(earlier)


def _stop_reason(run: ScenarioRun) -> str | None:
    if run.exit_code == 4:
        return (
            f"{run.name}: a revert failed (exit 4); the stack may be degraded, `drillctl recover`"
        )
    reason = run.summary.reason or ""
    if run.summary.result == "aborted" and reason.startswith("interrupted"):
        return f"{run.name}: interrupted (SIGINT/SIGTERM); its faults were reverted"
    return None


def _summary_of(name: str, done: RunResult) -> DrillSummary:
    if done.finished.written is not None:
        return done.finished.written.summary
    outcome = done.outcome  # the reports could not be written: keep what the engine said
    return DrillSummary(
        run_id=done.run_id,
        scenario=name,
        result=outcome.result,
        exit_code=outcome.exit_code,
        reason=outcome.reason,
        at=Moments(),
        durations=Durations(),
    )


def _not_run(name: str, exc: DrillError) -> DrillSummary:
    return DrillSummary(
        run_id="-",
        scenario=name,
        result="invalid",
        exit_code=int(exc.exit_code),
        reason=exc.message,
        at=Moments(),
        durations=Durations(),
    )


def _without_webhook(settings: Any) -> Any:
    """Inside a suite, runs do not post their own timeline: the suite posts one message."""
    notify = settings.notify.model_copy(update={"slack_webhook": None})
    return settings.model_copy(update={"notify": notify})


# --- the lab, signals, the run directories ---------------------------------------------------


def lab_context(context: Context, stack: Any) -> Context:
    """The context pointed at a LabStack: its project, files, Prometheus, Alertmanager, gateway."""
    settings = context.settings
    points = stack.endpoints
    project = settings.project.model_copy(
        update={
            "dir": stack.project_dir,
            "files": list(stack.compose_files),
            "name": stack.project_name,
        }
    )
    sources = settings.sources.model_copy(
        update={"prometheus": points.prometheus_url, "alertmanager": points.alertmanager_url}
    )
    variables = {"gateway_url": points.api_url, **settings.vars}
    updated = settings.model_copy(
        update={"project": project, "sources": sources, "vars": variables}
    )
    return replace(context, settings=updated)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt between drills (a CI job being cancelled sends
    SIGTERM; a background shell may have SIGINT ignored). During a drill, the drill's own
    handlers take over, revert its faults and end it as aborted; the suite then stops."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, interrupt)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def new_suite_id(context: Context) -> str:
    return new_run_id("suite", context.clock.now())


def copy_runs(result: SuiteResult, into: Path) -> None:
    """Copy each run directory under ``into`` (one folder for a CI job to upload)."""
    for run in result.runs:
        if run.run_dir is not None and run.run_dir.is_dir():
            target = into / run.run_dir.name
            if run.run_dir.resolve() != target.resolve():
                shutil.copytree(run.run_dir, target, dirs_exist_ok=True)


# --- the whole command: lab, suite, teardown ---------------------------------------------------

SettlerFactory = Callable[[Context, Path, SuiteOptions], Settler]


def observer_settler(context: Context, journal_path: Path, options: SuiteOptions) -> Settler:
    return ObserverSettler(context, journal_path, options.settle_timeout)


def run_suite(
    context: Context,
    loaded: Sequence[Loaded],
    options: SuiteOptions,
    out_dir: Path,
    *,
    lab: Any | None = None,
    drill: Drill = run_drill,
    settler_factory: SettlerFactory = observer_settler,
    suite_id: str | None = None,
) -> SuiteResult:
    """Bring the lab up (``lab``: a LabStack), run the suite, take the lab down on every path.

    With a lab, ``context`` is already pointed at it (``lab_context``) and the scenarios were
    loaded with its variables. A lab that does not come up raises its TargetError (exit 2) after
    the teardown; a signal ends the suite early with what ran so far (the caller writes the
    reports)."""
    clock = context.clock
    result = SuiteResult(
        suite_id or new_suite_id(context),
        _target(context),
        clock.now(),
        fail_on_regression=options.fail_on_regression,
    )
    say = Suite(context, [], options).say
    with interruptible():
        try:
            if lab is not None:
                started = clock.monotonic()
                _clean_slate(lab, say)
                say(f"bringing the lab {lab.project_name} up (with smoke traffic)…")
                lab.up(smoke=True)
                result.lab_seconds = round(clock.monotonic() - started, 1)
            settler = settler_factory(context, out_dir / "settle.jsonl", options)
            suite = Suite(context, loaded, options, drill=drill, settler=settler)
            suite.run(result, fresh_lab=lab is not None)
        except KeyboardInterrupt:
            result.stopped = result.stopped or "interrupted (SIGINT/SIGTERM)"
            result.interrupted = True
            done = {run.name for run in result.runs}
            result.skipped = [x.scenario.name for x in loaded if x.scenario.name not in done]
        finally:
            result.ended_at = clock.now()
            if lab is not None:
                _lab_down(lab, say)
    return result


def _clean_slate(lab: Any, say: Callable[[str], None]) -> None:
    """A lab that is not running may still have its Postgres volume from an earlier session, with
    the bets earlier drills lost (ebit_bets_lost never goes down): remove it before the lab comes
    up. A running lab is someone's: it is used as it is."""
    if any(service.state == "running" for service in lab.status()):
        say(f"the lab {lab.project_name} is already running: using it as it is")
        return
    lab.down(volumes=True)


def _lab_down(lab: Any, say: Callable[[str], None]) -> None:
    say(f"taking the lab {lab.project_name} down…")
    try:
        lab.down(volumes=True)
    except DrillError as exc:  # the suite's own result matters more; say what is left
        say(f"warning: the lab did not come down: {exc}")


def _target(context: Context) -> str:
    project = context.settings.project
    return project.name or (project.dir.name if project.dir else Path.cwd().name)
