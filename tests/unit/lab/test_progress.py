"""lab up's progress: each health change once, and plain lines when not on a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from drillctl.cli.lab_cmd import progress
from drillctl.lab.progress import HealthWatch
from drillctl.lab.stack import ServiceStatus


def test_each_health_change_is_reported_once_with_the_count_ready() -> None:
    lines: list[str] = []
    watch = HealthWatch(list, lines.append)
    api, redis = (
        ServiceStatus("ebit-api", "c1", "running", "starting"),
        ServiceStatus("redis", "c2", "running", ""),
    )
    watch.check([api, redis])
    watch.check([api, redis])  # nothing changed: nothing said
    watch.check([ServiceStatus("ebit-api", "c1", "running", "healthy"), redis])
    assert lines == [
        "ebit-api: starting",
        "redis: running",
        "1/2 services ready",
        "ebit-api: healthy",
        "2/2 services ready",
    ]


def test_the_watch_polls_while_the_block_runs_and_stops_after() -> None:
    lines: list[str] = []
    polls: list[int] = []

    def poll() -> list[ServiceStatus]:
        polls.append(1)
        return [ServiceStatus("ebit-api", "c1", "running", "healthy")]

    with HealthWatch(poll, lines.append, interval=0.01) as watch:
        while not lines:
            watch._stop.wait(0.01)
    count = len(polls)
    watch._stop.wait(0.05)
    assert lines[:2] == ["ebit-api: healthy", "1/1 services ready"]
    assert len(polls) == count  # no poll after the block ended


def test_without_a_terminal_each_step_is_a_plain_line() -> None:
    out = io.StringIO()
    with progress(Console(file=out, force_terminal=False, width=80)) as report:
        report("building the lab images")
        report("ebit-api: healthy")
    assert out.getvalue() == "lab: building the lab images\nlab: ebit-api: healthy\n"


def test_on_a_terminal_the_steps_stay_above_the_spinner() -> None:
    out = io.StringIO()
    with progress(Console(file=out, force_terminal=True, width=80)) as report:
        report("images ready in 3 s")
    assert "images ready in 3 s" in out.getvalue()
