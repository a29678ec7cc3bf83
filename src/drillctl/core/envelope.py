"""The versioned JSON envelope every ``--format json`` of a command prints.

``{"schema_version": N, "kind": "drillctl.<what>", ...the result's fields}``: a script checks
``kind`` and ``schema_version`` before reading the rest. Adding a field keeps the version; removing
or renaming one raises it (and the old shape is documented in ``docs/json-output.md``). In core so
that readiness/ renderers wrap their results the same way as commands/ do.
"""

from __future__ import annotations

from typing import Any


def envelope(kind: str, version: int, **body: Any) -> dict[str, Any]:
    """The envelope of one result: ``kind`` is the part after ``drillctl.``."""
    return {"schema_version": version, "kind": f"drillctl.{kind}", **body}
