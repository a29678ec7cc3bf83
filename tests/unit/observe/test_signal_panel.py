from __future__ import annotations

import asyncio
from datetime import timedelta

from observe_fakes import FakeSource, make_scenario
from rich.console import Console

from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal
from drillctl.observe.observer import Observer
from drillctl.observe.panel import number, signal_table, sparkline


def test_numbers_and_sparklines() -> None:
    assert [number(v) for v in (None, 0, 0.1234, 5, 1234.5, 1e9)] == [
        "-",
        "0",
        "0.123",
        "5",
        "1,234.5",
        "1.00e+09",
    ]
    assert sparkline([0, None, 5, 10]) == "▁▄█"
    assert sparkline([None]) == ""


def test_the_table_fits_80_columns_and_shows_state_alerts_and_outages(
    journal: Journal, clock: FakeClock
) -> None:
    signals = [
        {
            "name": "queue_waiting",
            "source": "prometheus",
            "query": "q",
            "unit": "jobs",
            "symptom": {"above": 10},
        },
        {
            "name": "errors",
            "source": "loki",
            "query": "l",
            "primary": False,
            "symptom": {"above": 1},
        },
    ]
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 50.0})
    observer = Observer(make_scenario(signals), {"prometheus": prom}, journal, clock)
    asyncio.run(observer.collect_baseline(timedelta(seconds=1)))
    asyncio.run(observer.poll_once())
    console = Console(width=80, record=True, color_system=None)
    console.print(signal_table(observer, title="watch"))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "queue_waiting" in text and "50 jobs" in text and "symptomatic" in text
    assert "(errors)" in text and "unavailable: loki (not configured)" in text
