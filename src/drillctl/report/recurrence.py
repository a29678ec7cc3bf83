"""The recurrence section's lines: each runbook or past run that matched, ranked, and why.

The drill journals runbooks (evidence ``runbook``) and past runs (evidence ``past-run``) apart,
each item ``{rank, path | run, title, why, passage, score}``; every report writes an item as one
line: ``1. Title (runbooks/x.md): matched alert A, signal s; words: w``. Items of older journals
(no ``why``) are left to the generic evidence line.
"""

from __future__ import annotations

from collections.abc import Mapping


def recurrence_line(item: Mapping[str, object]) -> str | None:
    """One matched runbook or past run on one line; None for any other evidence item."""
    reasons = item.get("why")
    if not isinstance(reasons, list) or "rank" not in item:
        return None
    title = str(item.get("title") or item.get("path") or item.get("run") or "?")
    where = f" ({item['path']})" if item.get("path") else ""
    matched = "; ".join(str(r) for r in reasons) or "its words"
    return f"{item['rank']}. {title}{where}: matched {matched}"
