from __future__ import annotations

import asyncio
from datetime import timedelta

from observe_fakes import FakeSource, make_scenario
from rich.console import Console

from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal
from drillctl.observe.observer import Observer
from drillctl.observe.panel import number, signal_table, sparkline
from drillctl.report.fmt import number as report_number


def test_numbers_and_sparklines() -> None:
    assert [number(v) for v in (None, 0, 0.1234, 5, 146.0, 1234.6, 1e9)] == [
        "-",
        "0",
        "0.123",
        "5",
        "146",
        "1235",
        "1000000000",
    ]
    # the panel writes a value as the Slack timeline and the Markdown report do
    for value in (0.0396, 0.00446, 82.0, 20.8, 146.0, 1234.6):
        assert number(value) == report_number(value)
    assert sparkline([0, None, 5, 10]) == "▁ ▄█"  # the poll without data is a gap
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


def test_a_series_that_disappears_reads_no_data_not_normal(
    journal: Journal, clock: FakeClock
) -> None:
    signals = [
        {
            "name": "credit_rate",
            "source": "prometheus",
            "query": "q",
            "unit": "bets/s",
            "symptom": {"factor": 0.2, "direction": "down", "for": "5s"},
        },
        {"name": "fresh", "source": "prometheus", "query": "f", "symptom": {"above": 1}},
    ]
    credits: list[float | None] = [5.0, 5.2, 4.8, 5.1, 4.9, 5.0, None]
    prom = FakeSource(
        "prometheus",
        {
            "credit_rate": lambda at: credits.pop(0) if len(credits) > 1 else None,
            "fresh": lambda at: None,
        },
    )
    observer = Observer(make_scenario(signals), {"prometheus": prom}, journal, clock)

    async def run() -> None:
        await observer.collect_baseline(timedelta(seconds=5))
        await observer.poll_once()

    asyncio.run(run())
    console = Console(width=80, record=True, color_system=None)
    console.print(signal_table(observer))
    text = console.export_text()
    rows = {line.strip("│").split()[0]: line for line in text.splitlines() if "│" in line}
    assert rows["credit_rate"].rstrip("│ ").endswith("no data")  # gone after a full baseline
    assert "no data" in rows["fresh"] and "±" not in rows["fresh"]  # never had a baseline
