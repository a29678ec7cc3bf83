"""Picking one value from a list in the panel's prompt line: Tab completes, Enter picks.

A responder states a hypothesis the way drillctl does: the service (one of the target's), the
kind of change (one of ``ChangeKind``), then the sentence. ``Choice`` is the picking part: pure,
so it is tested without a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from drillctl.core.states import ChangeKind

KINDS = tuple(kind.value for kind in ChangeKind)


class NotAChoice(ValueError):
    """What was typed is none of the options, or the start of several."""


@dataclass(frozen=True)
class Choice:
    label: str  # "service", "kind"
    options: tuple[str, ...]  # empty: anything typed is taken as it is (no list to pick from)

    def matching(self, typed: str) -> list[str]:
        return [o for o in self.options if o.startswith(typed.strip())]

    def complete(self, typed: str) -> str:
        """Tab: the longest start the matching options share (what was typed when none match)."""
        # character by character is the point here: these are names, not paths
        return os.path.commonprefix(self.matching(typed)) or typed  # noqa: RUF071

    def pick(self, typed: str) -> str | None:
        """Enter: None for nothing typed (not stated), the option typed or the one it starts."""
        typed = typed.strip()
        if not typed or not self.options or typed in self.options:
            return typed or None
        found = self.matching(typed)
        if len(found) != 1:
            raise NotAChoice(
                f"{typed!r}: " + (" ".join(found) if found else "no such " + self.label)
            )
        return found[0]

    def hint(self, typed: str) -> str:
        """The options still open for what was typed, for the line under the prompt."""
        if not self.options:
            return f"{self.label}: type it, Enter to go on (empty: not stated)"
        found = self.matching(typed) or list(self.options)
        return f"Tab completes, Enter picks, empty skips: {' '.join(found)}"


def hypothesis_choices(services: Sequence[str]) -> tuple[Choice, Choice]:
    return Choice("service", tuple(dict.fromkeys(services))), Choice("kind", KINDS)
