"""``drillctl history``'s table: whole run ids at any width, columns dropped (never ids cut).

A run id is what people copy into ``drillctl report``: its column never wraps or shortens. A run
whose faults ``drillctl recover`` reverted after its process died reads "aborted, recovered by
drillctl recover" (on two lines; ``result_text`` in JSON). When
the terminal is too narrow for every column, the least needed ones go first (alerts, ack, rec,
hyp, mit, detect), and the caption says which were left out (``--format json`` has them all).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.markup import escape
from rich.table import Table

from drillctl.report.fmt import seconds
from drillctl.report.history import RunRecord

COLUMNS: dict[str, Callable[[RunRecord], str]] = {
    "detect": lambda r: _short(r.detect_s),
    "ack": lambda r: _short(r.acknowledge_s),
    "hyp": lambda r: _short(r.hypothesis_s),
    "mit": lambda r: _short(r.mitigate_s),
    "rec": lambda r: _short(r.recover_s),
    "alerts": lambda r: str(len(r.alerts_fired)),
}
DROP_ORDER = ("alerts", "ack", "rec", "hyp", "mit", "detect")
PADDING = 3  # rich's SIMPLE_HEAD box: a space each side of a cell and the column rule
EDGES = 2  # the box's left and right edges
CAPTION = "detect, ack(nowledge), hyp(othesis), mit(igate), rec(over); alerts fired"


def _short(value: float | None) -> str:
    return "-" if value is None else seconds(value)


def fitting_columns(runs: Sequence[RunRecord], width: int) -> list[str]:
    """The figure columns that fit beside the whole run ids and results in ``width``."""
    kept = list(COLUMNS)
    used = EDGES + _width([r.run_id for r in runs], "run · scenario · operator")
    used += _width([line for r in runs for line in _result_lines(r)], "result")
    cells = {name: _width([COLUMNS[name](r) for r in runs], name) for name in COLUMNS}
    for name in DROP_ORDER:
        if used + sum(cells[n] for n in kept) <= width:
            break
        kept.remove(name)
    return kept


def _width(cells: Sequence[str], head: str) -> int:
    return max([len(head), *(len(c) for c in cells)]) + PADDING


def history_table(runs: Sequence[RunRecord], width: int) -> Table:
    kept = fitting_columns(runs, width)
    dropped = [n for n in COLUMNS if n not in kept]
    caption = CAPTION + (f"; not shown at this width: {', '.join(dropped)}" if dropped else "")
    table = Table(title="drill history", caption=caption, box=box.SIMPLE_HEAD)
    table.add_column("run · scenario · operator", no_wrap=True)
    table.add_column("result", no_wrap=True)
    for name in kept:
        table.add_column(name, justify="right", no_wrap=True)
    for run in runs:
        who = f"{run.scenario} · {run.operator or '?'}"
        cells = [COLUMNS[name](run) for name in kept]
        table.add_row(f"{run.run_id}\n[dim]{escape(who)}[/]", _result_cell(run), *cells)
    return table


def _result_lines(run: RunRecord) -> list[str]:
    """The result, and on a second line who recovered a killed run (the cell stays narrow, so
    whole run ids still fit at 80 columns)."""
    if not run.recovered_by:
        return [run.result]
    return [f"{run.result},", f"recovered by {run.recovered_by}"]


def _result_cell(run: RunRecord) -> str:
    first, *rest = [escape(line) for line in _result_lines(run)]
    return "\n".join([first, *(f"[dim]{line}[/]" for line in rest)])
