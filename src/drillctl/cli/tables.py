"""Tables whose cells people copy (URLs, paths, container names) stay whole at any width.

rich shares a narrow terminal out among the columns and folds a long value mid-string, which
breaks a copy-paste of a Postgres URL or a scenario path. A copyable column is never wrapped:
it is as wide as its longest value, and the other columns (labels, prose) wrap to make room.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


def copyable_column(table: Table, header: str, values: Sequence[str], **options: Any) -> None:
    """Add a column for ``values`` that is never wrapped or cut (add its cells afterwards)."""
    width = max([len(header), *(len(v) for v in values)])
    table.add_column(header, no_wrap=True, overflow="ignore", min_width=width, **options)


def fits(console: Console, table: Table) -> bool:
    """Whether ``table`` fits the console without cutting a copyable column (else drop it)."""
    unbounded = console.options.update_width(10_000)
    return Measurement.get(console, unbounded, table).minimum <= console.width
