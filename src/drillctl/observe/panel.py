"""The live signal table (``drillctl watch``, and the engine's panel): one row per signal.

Only reads the observer's state; never polls. Fits an 80-column terminal.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from drillctl.core.numbers import number as core_number
from drillctl.observe.observer import Observer, SignalView

STATE_STYLE = {
    "normal": "green",
    "onset": "yellow",
    "breaching": "yellow",
    "no data": "magenta",
    "symptomatic": "bold red",
    "recovering": "cyan",
}
SPARK = "▁▂▃▄▅▆▇█"


def number(value: float | None) -> str:
    """The reports' one way of writing a value (core/numbers.py), ``-`` in an empty cell."""
    return core_number(value, missing="-")


def sparkline(values: list[float | None], width: int = 12) -> str:
    """The last ``width`` polls; a poll without data is a gap (a space), not a bar."""
    tail = values[-width:]
    numbers = [v for v in tail if v is not None]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    scale = (high - low) or 1.0
    return "".join(
        " " if v is None else SPARK[int((v - low) / scale * (len(SPARK) - 1))] for v in tail
    )


def state_words(view: SignalView) -> str:
    """The state column: a poll that found no series says "no data", whatever the detector
    state (a symptomatic signal whose producer is gone reads "symptomatic, no data")."""
    if not view.available:
        return "unavailable"
    if view.at is not None and view.value is None and view.state not in ("normal", "no data"):
        return f"{view.state}, no data"
    if view.at is not None and view.value is None:
        return "no data"
    return view.state


def baseline_words(view: SignalView) -> str:
    baseline = view.baseline
    if baseline is None:
        return "…"
    if not baseline.measured:
        return "no data"
    return f"{number(baseline.centre)} ± {number(baseline.spread)}"


def _row(view: SignalView) -> list[str | Text]:
    base = baseline_words(view)
    state = state_words(view)
    return [
        view.signal.name if view.signal.primary else f"({view.signal.name})",
        base,
        f"{number(view.value)}{' ' + view.signal.unit if view.signal.unit else ''}",
        sparkline(view.history),
        Text(state, style=STATE_STYLE.get(state.split(",")[0], "dim")),
    ]


def signal_table(observer: Observer, title: str | None = None) -> Table:
    table = Table(title=title, expand=False, pad_edge=False)
    for column in ("signal", "baseline", "now", "trend", "state"):
        table.add_column(column, no_wrap=column != "signal", overflow="fold")
    for view in observer.views.values():
        table.add_row(*_row(view))
    firing = observer.firing_alerts()
    down = observer.unavailable_sources()
    if firing:
        table.caption = "firing: " + ", ".join(firing)
    if down:
        extra = "unavailable: " + "; ".join(f"{k} ({v})" for k, v in down.items())
        table.caption = f"{table.caption}\n{extra}" if table.caption else extra
    return table
