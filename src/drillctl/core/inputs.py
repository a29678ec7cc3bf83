"""Every file a user hands drillctl is read here, the same way.

Scenarios, drillctl.toml, runbooks, the runbook index and escalation matrices all go through
``read_text``: a size limit (the message gives the real size), a UTF-8 check (the message gives the
byte offset and its line and column), a byte-order mark and CRLF line ends accepted. Every refusal
is a located ``ScenarioError`` (``FILE:LINE:COL: message``, exit 2), the one user-facing error
type for bad input; nothing from the OS or the codec escapes.
"""

from __future__ import annotations

from pathlib import Path

from drillctl.core.errors import Problem, ScenarioError

MAX_BYTES = 1024 * 1024  # every user file is a page or two of text; a megabyte is a mistake
BOM = b"\xef\xbb\xbf"


def read_bytes(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes; an unreadable, missing or oversized file is a located refusal."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise _refuse(path, 1, 1, _too_big(size, limit))
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise _refuse(path, 1, 1, f"cannot read: {exc.strerror or exc}") from exc
    if len(raw) > limit:  # grew since stat, or a device that reports no size
        raise _refuse(path, 1, 1, _too_big(len(raw), limit, more=True))
    return raw


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text without the BOM and with ``\\n`` line ends, or a located refusal."""
    body = raw[len(BOM) :] if raw.startswith(BOM) else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(raw) - len(body))
        line, col = byte_position(raw, offset)
        message = f"not UTF-8 text: byte 0x{raw[offset]:02x} at offset {offset} cannot be decoded"
        raise ScenarioError([Problem(file, line, col, "", message)]) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, *, limit: int = MAX_BYTES) -> str:
    return decode(read_bytes(path, limit=limit), str(path))


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of a byte offset."""
    before = raw[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


def text_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def problem(file: str | Path, line: int, col: int, message: str, path: str = "") -> ScenarioError:
    """One located problem as the user-facing error."""
    return ScenarioError([Problem(str(file), line, col, path, message)])


def _refuse(path: Path, line: int, col: int, message: str) -> ScenarioError:
    return problem(path, line, col, message)


def _too_big(size: int, limit: int, *, more: bool = False) -> str:
    shown = f"over {size - 1}" if more else str(size)
    return f"file is {shown} bytes, over the {limit}-byte limit"
