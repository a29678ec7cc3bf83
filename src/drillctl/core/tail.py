"""Following an append-only JSONL file: the complete lines written since the last read.

The game master follows the drill's journal, and the drill follows ``gm.jsonl``; both read only
whole lines, so a line still being written is left for the next call.
"""

from __future__ import annotations

from pathlib import Path


class LineTail:
    """The complete lines appended to ``path`` since the last call (a torn last line waits)."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, 0

    def read_lines(self) -> list[bytes]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except FileNotFoundError:
            return []
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.offset += len(complete)
        return complete.splitlines()
