"""A command's result that a script can read, printed in the versioned envelope
(``core/envelope.py``) by every ``--format json``."""

from __future__ import annotations

import json
from typing import Any, Protocol


class Enveloped(Protocol):
    """A command's result that a script can read: ``--format json`` prints ``as_json()``."""

    def as_json(self) -> dict[str, Any]: ...


def dumps(result: Enveloped) -> str:
    """The text ``--format json`` prints (indented, one trailing newline)."""
    return json.dumps(result.as_json(), indent=2) + "\n"
