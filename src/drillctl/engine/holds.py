"""Each injected fault's own hold: when the engine reverts it, on the run's monotonic clock.

A fault is held from when it took effect (``fault.injected``'s ``effective_at``: a stop's ``die``,
not the start of its command, so a 10 s SIGTERM grace period is not part of a 30 s outage) for
its own ``duration``. A scenario with a 20 s fault and a 60 s fault reverts the first at 20 s and
the second at 60 s. A game master's ``extend`` adds the same seconds to every hold still running.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from drillctl.core.clock import Clock


@dataclass
class Holds:
    deadlines: dict[int, float] = field(default_factory=dict)  # fault index -> monotonic end

    def start(self, index: int, hold: timedelta, effective_at: datetime, clock: Clock) -> None:
        """Fault ``index`` is held ``hold`` from ``effective_at`` (a wall time, maybe past)."""
        ago = max((clock.now() - effective_at).total_seconds(), 0.0)
        self.deadlines[index] = clock.monotonic() - ago + hold.total_seconds()

    def due(self, now: float, extra: float = 0.0) -> list[int]:
        """The faults whose hold is over, in the order they end (on a tie, newest first)."""
        over = [(end, -i) for i, end in self.deadlines.items() if end + extra <= now]
        return [-minus for _end, minus in sorted(over)]

    def next_in(self, now: float, extra: float = 0.0) -> float:
        """Seconds until the next hold ends (0 if one is over; infinite with none left)."""
        if not self.deadlines:
            return math.inf
        return max(min(self.deadlines.values()) + extra - now, 0.0)

    def drop(self, index: int) -> None:
        self.deadlines.pop(index, None)

    def clear(self) -> None:
        self.deadlines.clear()

    def __bool__(self) -> bool:
        return bool(self.deadlines)
