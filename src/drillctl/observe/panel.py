"""The live signal table (``drillctl watch``, and the engine's panel): one row per signal.

Only reads the observer's state; never polls. Fits an 80-column terminal.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from drillctl.observe.observer import Observer, SignalView

STATE_STYLE = {
    "normal": "green",
    "breaching": "yellow",
    "symptomatic": "bold red",
    "recovering": "cyan",
}
SPARK = "▁▂▃▄▅▆▇█"


def number(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0 or 0.01 <= abs(value) < 100_000:
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value:.2e}"


def sparkline(values: list[float | None], width: int = 12) -> str:
    tail = [v for v in values[-width:] if v is not None]
    if not tail:
        return ""
    low, high = min(tail), max(tail)
    scale = (high - low) or 1.0
    return "".join(SPARK[int((v - low) / scale * (len(SPARK) - 1))] for v in tail)


def _row(view: SignalView) -> list[str | Text]:
    baseline = view.baseline
    base = f"{number(baseline.centre)} ± {number(baseline.spread)}" if baseline else "…"
    state = view.state if view.available else "unavailable"
    return [
        view.signal.name if view.signal.primary else f"({view.signal.name})",
        base,
        f"{number(view.value)}{' ' + view.signal.unit if view.signal.unit else ''}",
        sparkline(view.history),
        Text(state, style=STATE_STYLE.get(state, "dim")),
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
