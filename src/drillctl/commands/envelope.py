"""The versioned JSON envelope every ``--format json`` of a command prints.

``{"schema_version": N, "kind": "drillctl.<what>", ...the result's fields}``: a script checks
``kind`` and ``schema_version`` before reading the rest. Adding a field keeps the version; removing
or renaming one raises it (and the old shape is documented in ``docs/json-output.md``).
"""

from __future__ import annotations

import json
from typing import Any, Protocol


class Enveloped(Protocol):
    """A command's result that a script can read: ``--format json`` prints ``as_json()``."""

    def as_json(self) -> dict[str, Any]: ...


def envelope(kind: str, version: int, **body: Any) -> dict[str, Any]:
    """The envelope of one result: ``kind`` is the part after ``drillctl.``."""
    return {"schema_version": version, "kind": f"drillctl.{kind}", **body}


def dumps(result: Enveloped) -> str:
    """The text ``--format json`` prints (indented, one trailing newline)."""
    return json.dumps(result.as_json(), indent=2) + "\n"
