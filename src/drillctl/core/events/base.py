"""The envelope every event shares, and the claim (a hypothesis as fields)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from drillctl.core.states import ChangeKind

SCHEMA_VERSION = 2  # of the journal; absent in run.started means 1 (drillctl 0.1.0)
ENVELOPE = frozenset({"seq", "ts", "mono", "type"})
UNSET = datetime(1970, 1, 1, tzinfo=UTC)


class Claim(BaseModel):
    """A root-cause hypothesis as fields: the service, the kind of change, the signals it
    explains, the evidence it rests on (short sentences), and the sentence stating it."""

    model_config = ConfigDict(frozen=True)

    service: str | None = None
    kind: ChangeKind | None = None
    source: str | None = None  # for a surge: the peer address the traffic came from
    peer: str | None = None  # for a network fault: the service its log lines name (the far end)
    signals: list[str] = []
    evidence: list[str] = []
    sentence: str = ""


class JournalEvent(BaseModel):
    """One line of the journal: its sequence number, wall-clock time (UTC) and monotonic time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = 0  # set by the journal when appended
    ts: datetime = UNSET
    mono: float = 0.0
    type: str
    data_keys: ClassVar[dict[str, str]] = {}  # field name -> its key in the line's data
    always_written: ClassVar[tuple[str, ...]] = ()  # written even when left at the default

    @property
    def data(self) -> dict[str, Any]:
        """The event's own fields, as the line's ``data`` object."""
        # only what was given: a line read back gives the same data, no added nulls
        fields = self.model_dump(mode="json", exclude=set(ENVELOPE), exclude_unset=True)
        fields |= {name: getattr(self, name) for name in self.always_written}
        return {self.data_keys.get(k, k): v for k, v in fields.items()}
