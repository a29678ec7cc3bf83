"""The drill's Alertmanager silence: a drill on a shared stack pages nobody.

With ``[drill] silence`` (matchers) in drillctl.toml, the run creates a silence for the drill
window before the baseline (so before anything is injected), journals it (``silence.created``:
the undo), and expires it when the engine leaves its window: success, error, Ctrl-C, SIGTERM.
After a hard kill, ``drillctl recover`` expires the silences the journal left active. A silence
that cannot be created stops the drill before injecting (exit 2). Its ``endsAt`` bounds the
silence even if nothing ever expires it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx

from drillctl.config import Settings
from drillctl.core.clock import Clock
from drillctl.core.errors import ConfigError, PreflightError
from drillctl.core.events import Event, SilenceCreated, SilenceExpired, type_of
from drillctl.core.journal import JOURNAL_NAME, Journal, read_events
from drillctl.core.matchers import matches, parse_matcher
from drillctl.observe.silences import SilenceError, create_silence, expire_silence


@dataclass
class Held:
    """The matchers of the silence the drill holds now (none before it is created and after
    it is expired): which alerts fire while silenced."""

    matchers: list[dict[str, Any]] = field(default_factory=list)

    def covers(self, labels: dict[str, str]) -> bool:
        return bool(self.matchers) and all(matches(m, labels) for m in self.matchers)


@dataclass(frozen=True)
class SilenceRequest:
    url: str  # the Alertmanager
    matchers: list[str]
    run_id: str
    length: timedelta  # the longest the drill can take: the silence ends by then anyway


Hook = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


def drill_silence(
    request: SilenceRequest,
    client: httpx.AsyncClient,
    journal: Journal,
    clock: Clock,
    held: Held,
) -> Hook:
    """The engine's hook: the silence held while the engine is in the drill window."""

    @contextlib.asynccontextmanager
    async def holding() -> AsyncIterator[None]:
        silence_id = await _create(request, client, journal, clock)
        held.matchers = [parse_matcher(m) for m in request.matchers]
        try:
            yield
        finally:
            held.matchers = []
            await expire_journalled(client, journal, request.url, silence_id)

    return holding


async def _create(
    request: SilenceRequest, client: httpx.AsyncClient, journal: Journal, clock: Clock
) -> str:
    matchers = [parse_matcher(m) for m in request.matchers]  # validated with the settings
    start = clock.now()
    window = (start, start + request.length)
    try:
        silence_id = await create_silence(
            client,
            request.url,
            matchers,
            window,
            by="drillctl",
            comment=f"drillctl drill {request.run_id}: expired when the drill ends",
        )
    except SilenceError as exc:
        raise PreflightError(f"cannot create the silence: {exc}") from exc
    ends_at = window[1].isoformat()
    journal.append(
        SilenceCreated(id=silence_id, url=request.url, matchers=matchers, ends_at=ends_at)
    )
    return silence_id


async def expire_journalled(
    client: httpx.AsyncClient, journal: Journal, url: str, silence_id: str
) -> bool:
    """Expire the silence and journal it (with the error when Alertmanager refused)."""
    try:
        await expire_silence(client, url, silence_id)
    except SilenceError as exc:
        journal.append(SilenceExpired(id=silence_id, error=str(exc)))
        return False
    journal.append(SilenceExpired(id=silence_id))
    return True


class Watching(Protocol):
    """The run's observer: its clock, and what it asks of each alert it journals."""

    clock: Clock
    silenced: Callable[[dict[str, str]], bool]


def silence_hook(
    settings: Settings,
    length: timedelta,
    run_id: str,
    client: httpx.AsyncClient,
    journal: Journal,
    observer: Watching,
) -> Hook | None:
    """The run's silence hook, None without ``[drill] silence``; ConfigError without an
    Alertmanager. The observer's alert events then say which alerts fired while silenced."""
    if not settings.drill.silence:
        return None
    url = settings.sources.alertmanager
    if not url:
        raise ConfigError(
            "[drill] silence needs an Alertmanager",
            hint="set [sources] alertmanager (or DRILLCTL_SOURCES_ALERTMANAGER)",
        )
    request = SilenceRequest(url, list(settings.drill.silence), run_id, length)
    held = Held()
    observer.silenced = held.covers
    return drill_silence(request, client, journal, observer.clock, held)


def around(*hooks: Hook | None) -> Hook | None:
    """One hook for the engine's window (entered before the baseline, left on every way out):
    the silence is entered first and left last, so it holds while anything else changes."""
    present = [h for h in hooks if h is not None]
    if not present:
        return None

    @contextlib.asynccontextmanager
    async def entered() -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for hook in reversed(present):
                await stack.enter_async_context(hook())
            yield

    return entered


# --- drillctl recover -----------------------------------------------------------------------


@dataclass(frozen=True)
class LeftSilence:
    run_dir: Path
    id: str
    url: str
    ends_at: str


def active_silences(events: Iterable[Event]) -> list[SilenceCreated]:
    """The silences a journal created and did not expire. Pure."""
    created: dict[str, SilenceCreated] = {}
    for event in events:
        if isinstance(event, SilenceCreated):
            created[event.id] = event
        elif isinstance(event, SilenceExpired) and not event.error:
            created.pop(event.id, None)
    return list(created.values())


_SILENCE_TYPE = f'"{type_of(SilenceCreated)}"'.encode()


def left_silences(run_dirs: Iterable[Path]) -> list[LeftSilence]:
    """The silences runs (not live ones: the caller leaves those out) left active."""
    left: list[LeftSilence] = []
    for run_dir in run_dirs:
        path = run_dir / JOURNAL_NAME
        # a cheap scan before parsing: most runs never made a silence
        if not path.is_file() or _SILENCE_TYPE not in path.read_bytes():
            continue
        for s in active_silences(read_events(path)):
            left.append(LeftSilence(run_dir, s.id, s.url, s.ends_at))
    return left


async def expire_left(silences: list[LeftSilence], clock: Clock, say: Callable[[str], Any]) -> int:
    """Expire what runs left, journalled in each run's journal; how many could not be."""
    failed = 0
    async with httpx.AsyncClient() as client:
        for s in silences:
            with Journal(s.run_dir / JOURNAL_NAME, clock=clock) as journal:
                done = await expire_journalled(client, journal, s.url, s.id)
            say(f"run {s.run_dir.name}: silence {s.id} " + ("expired" if done else "NOT expired"))
            failed += not done
    return failed
