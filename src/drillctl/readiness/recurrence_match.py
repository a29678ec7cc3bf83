"""What a recurrence search looks for, and why each runbook or past run matched.

A drill searches with what the responder sees: the alerts that went off, the signals that moved
and the metrics their panels query (``anchors``: names specific to this symptom), and the words of
their descriptions and log lines. Only a runbook or run that names at least one anchor is related;
the words then rank the related ones (BM25). So the runbook of another scenario never matches on
generic words ("timeout", "queue", "ebit-api") alone. Each match says why: the anchors it names
and the words of its best passage that matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Kind = Literal["runbook", "run"]
AnchorKind = Literal["alert", "signal", "metric", "service"]
ORDER: tuple[AnchorKind, ...] = ("alert", "signal", "metric", "service")
HIT = re.compile("\x02(.*?)\x03", re.S)  # a matched span, as highlight() marks it
_WORD = re.compile(r"[A-Za-z0-9]+")
# the start of a PromQL metric name in a query (not a label, function or keyword)
_METRIC = re.compile(
    r"\b([a-z_][a-z0-9_]*_(?:total|seconds|bucket|count|sum|jobs|keys|up|bytes))\b"
)


@dataclass(frozen=True)
class Anchor:
    kind: AnchorKind
    name: str

    @property
    def words(self) -> str:
        """The name as the index's tokenizer splits it (``queue_waiting`` -> ``queue waiting``)."""
        return " ".join(w.lower() for w in _WORD.findall(self.name))

    @property
    def admits(self) -> bool:
        """A service is named by nearly every runbook of its stack: it explains, never admits."""
        return self.kind != "service"


@dataclass(frozen=True)
class Match:
    kind: Kind
    path_or_run: str  # the runbook's path, or the run id
    title: str
    score: float  # higher is more relevant (BM25, sign flipped)
    snippet: str  # the best matching passage, matched words between the markers
    rank: int = 0  # 1 for the best of its list (runbooks and runs are ranked apart)
    why: tuple[str, ...] = ()  # "alert ApiReadsFailing", "signal queue_waiting", "words: ..."


@dataclass(frozen=True)
class Found:
    runbooks: list[Match] = field(default_factory=list)
    runs: list[Match] = field(default_factory=list)

    def all(self) -> list[Match]:
        return [*self.runbooks, *self.runs]

    def as_data(self) -> dict[str, list[dict[str, Any]]]:
        """``matches`` (both kinds, as before the split), ``runbooks`` and ``runs``."""
        runbooks, runs = [asdict(m) for m in self.runbooks], [asdict(m) for m in self.runs]
        return {"matches": [*runbooks, *runs], "runbooks": runbooks, "runs": runs}


def phrase(words: str) -> str:
    return '"' + words.replace('"', "") + '"'


def anchor_query(anchors: Sequence[Anchor]) -> str:
    return " OR ".join(dict.fromkeys(phrase(a.words) for a in anchors if a.admits and a.words))


def named(anchors: Sequence[Anchor], marked: Iterable[str]) -> list[Anchor]:
    """The anchors among the spans highlight() marked in a document's rows."""
    spans = {" ".join(_WORD.findall(span.lower())) for text in marked for span in HIT.findall(text)}
    return [a for a in anchors if a.words in spans]


def why(anchors: Sequence[Anchor], snippet: str) -> tuple[str, ...]:
    """The anchors a document names (alerts first), then the other words its best passage
    matched (not the pieces of an anchor's name, nor one-letter and two-letter words)."""
    parts = {w for a in anchors for w in a.words.split()}
    words = dict.fromkeys(
        w
        for span in HIT.findall(snippet)
        for w in _WORD.findall(span.lower())
        if len(w) > 2 and w not in parts
    )
    ordered = sorted(dict.fromkeys(anchors), key=lambda a: ORDER.index(a.kind))
    found = [f"{a.kind} {a.name}" for a in ordered]
    return (*found, *([f"words: {', '.join(words)}"] if words else []))


def recurrence_item(match: Match, key: str, where: str) -> dict[str, object]:
    """One match as the journal's evidence item: ``key`` is "path" (a runbook) or "run"."""
    return {
        "rank": match.rank,
        key: where,
        "title": match.title,
        "why": list(match.why),
        "passage": match.snippet,
        "score": match.score,
    }


def project_path(path: str) -> str:
    """A runbook's path relative to the current directory (the project) when inside it: reports
    never carry a home or temp folder of the machine that ran the drill."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return Path(path).name
