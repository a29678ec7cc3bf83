"""``drillctl watch NAME|FILE``: the observer alone, no fault — the scenario's signals live.

A responder practises reading the signals; a team lead tunes thresholds. It takes a baseline
(the scenario's, or ``--baseline``), then polls until ``--duration`` is over or Ctrl-C, showing
each signal's baseline, current value, trend and state, with firing alerts and unavailable
sources underneath. Symptom and recovery marks are computed as in a drill and journalled to
``--journal`` when given (otherwise to a scratch file that is removed).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.live import Live
from rich.text import Text

from drillctl.cli._common import SetOption, catalog, guarded
from drillctl.core.errors import ConfigError

if TYPE_CHECKING:  # the observer and the scenario stack load when a watch starts
    from drillctl.context import Context
    from drillctl.core.journal import Journal
    from drillctl.observe.observer import Observer
    from drillctl.scenario.model import ScenarioBase

REFRESH_S = 0.5


def register(app: typer.Typer) -> None:
    app.command("watch")(watch_cmd)


def _duration(text: str | None, option: str) -> timedelta | None:
    from drillctl.core.durations import parse_duration

    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ConfigError(f"{option}: {exc}") from exc


def watch_cmd(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="scenario name or YAML file")],
    duration: Annotated[str, typer.Option("--duration", help="stop after this long")] = "10m",
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="baseline window (default: the scenario's)")
    ] = None,
    interval: Annotated[
        str | None, typer.Option("--interval", help="poll interval (default: drill.poll_interval)")
    ] = None,
    journal: Annotated[
        Path | None, typer.Option("--journal", help="keep the observer's journal in this file")
    ] = None,
    set_: SetOption = None,
) -> None:
    """Watch a scenario's signals live, without injecting anything (Ctrl-C to stop)."""

    def body() -> None:
        from drillctl.core.durations import format_duration
        from drillctl.core.journal import Journal
        from drillctl.scenario.overrides import parse_assignments
        from drillctl.scenario.secrets import resolve_secrets

        context: Context = ctx.obj
        loaded = catalog(ctx).load(scenario, parse_assignments(set_ or []))
        chosen = resolve_secrets(loaded.scenario, os.environ, context.redactor)
        total = _duration(duration, "--duration") or timedelta(minutes=10)
        window = _duration(baseline, "--baseline") or chosen.baseline
        poll = _duration(interval or context.settings.drill.poll_interval, "--interval")
        with contextlib.ExitStack() as stack:
            path = (
                journal or Path(stack.enter_context(tempfile.TemporaryDirectory())) / "watch.jsonl"
            )
            log = stack.enter_context(Journal(path, clock=context.clock, redactor=context.redactor))
            seconds = poll.total_seconds() if poll else 1.0
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(watch(context, chosen, log, total=total, baseline=window, poll=seconds))
        if not context.console.is_terminal:
            context.console.line()
        context.console.print(f"watched {chosen.name} for up to {format_duration(total)}")

    guarded(body)


async def watch(
    context: Context,
    scenario: ScenarioBase,
    journal: Journal,
    *,
    total: timedelta,
    baseline: timedelta,
    poll: float,
) -> Observer:
    from drillctl.commands.doctor import driver_or_none
    from drillctl.core.durations import format_duration
    from drillctl.observe.factory import open_sources  # source clients: loaded at the point of use
    from drillctl.observe.observer import Observer
    from drillctl.observe.panel import signal_table

    driver = driver_or_none(context)
    async with open_sources(context.settings.sources, driver=driver) as sources:
        observer = Observer(scenario, sources, journal, context.clock, poll_interval=poll)
        status = Text(f"collecting a {format_duration(baseline)} baseline…", style="dim")

        def view() -> Group:
            return Group(signal_table(observer, title=f"watch: {scenario.name}"), status)

        with Live(view(), console=context.console, refresh_per_second=4, transient=False) as live:
            refresher = asyncio.create_task(_refresh(live, view))
            try:
                report = await observer.collect_baseline(baseline)
                status.plain = _baseline_words(report.not_steady + report.secondary, report.no_data)
                await observer.run_for(max(timedelta(0), total - baseline))
            finally:
                refresher.cancel()
                live.update(view())
        return observer


async def _refresh(live: Live, view: object) -> None:
    while True:
        live.update(view())  # type: ignore[operator]
        await asyncio.sleep(REFRESH_S)


def _baseline_words(not_steady: list[str], no_data: list[str]) -> str:
    words = ["watching (Ctrl-C to stop)"]
    if not_steady:
        words.append("NOT STEADY: " + "; ".join(not_steady))
    if no_data:
        words.append("no data during the baseline: " + ", ".join(no_data))
    return " — ".join(words)
