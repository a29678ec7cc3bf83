"""What ``lab up`` is doing while Docker builds and waits: one short line per step and per change.

``docker compose up --wait`` says nothing until every service is healthy (or one is not), which
takes a minute on a cold start; :class:`HealthWatch` polls the services' state beside it, from a
thread, and reports each service's health as it changes, so the wait never looks hung.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Protocol

Report = Callable[[str], None]
POLL_S = 2.0


def quiet(_: str) -> None:
    """The default reporter: library callers (tests, benches) get no output."""


class _Status(Protocol):  # read-only, as stack.ServiceStatus (frozen) is
    @property
    def service(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def health(self) -> str: ...


def describe(status: _Status) -> str:
    """``healthy``, ``starting``, ``running`` (no healthcheck), ``exited``..."""
    return status.health or status.state


class HealthWatch:
    """Reports ``service: health`` on every change, and ``n/m healthy``, until the block ends."""

    def __init__(
        self, poll: Callable[[], Sequence[_Status]], report: Report, interval: float = POLL_S
    ) -> None:
        self._poll, self._report, self._interval = poll, report, interval
        self._seen: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lab-health", daemon=True)

    def __enter__(self) -> HealthWatch:
        if self._report is not quiet:
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._interval + 30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                statuses = list(self._poll())
            except Exception:  # progress is a courtesy; `up --wait` decides
                continue
            self.check(statuses)

    def check(self, statuses: Sequence[_Status]) -> None:
        """Report what changed since the last poll (one call per poll; public for tests)."""
        changed = [s for s in statuses if self._seen.get(s.service) != describe(s)]
        for status in changed:
            self._seen[status.service] = describe(status)
            self._report(f"{status.service}: {describe(status)}")
        if changed:
            ready = sum(1 for s in statuses if describe(s) in ("healthy", "running"))
            self._report(f"{ready}/{len(statuses)} services ready")
