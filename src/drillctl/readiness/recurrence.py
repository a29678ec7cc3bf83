"""Recurrence search: has this happened before? Runbooks and past drill reports ranked by BM25.

``recall`` is what a drill and ``drillctl recurrence`` use: runbooks and past runs in two lists,
each ranked, each match saying why it matched; given ``anchors`` (the alerts, signals and metrics
of the symptom: ``recurrence_match``), only documents that name one of them are related. ``search``
is the plain ranking of both kinds together.

The documents live in the history database (``<state_dir>/history.sqlite``) in drillctl's own
tables: ``recurrence_docs`` (an FTS5 table, porter stemming) and ``recurrence_files`` (what was
indexed, with each file's mtime and size). Every search first brings the index up to date: a
document is re-read only when one of its files changed, and dropped when its files are gone.

A runbook is indexed as one row per ``##`` section (so the symptom paragraph is a passage of its
own, and BM25's document frequencies stay meaningful with a handful of runbooks), each row also
carrying the runbook's ``# Title``, which weighs more than the body. A run is ``report.json``
(every string in it) and the sections of ``timeline.md`` under ``<runs_dir>/<run-id>/``. A search
ranks the rows and keeps the best one per runbook or run: its score and its passage.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drillctl.core import inputs
from drillctl.core.errors import DrillError
from drillctl.readiness import markdown
from drillctl.readiness.recurrence_match import (
    Anchor,
    Found,
    Kind,
    Match,
    anchor_query,
    named,
    why,
)
from drillctl.readiness.runbooks import runbook_files

RUN_FILES = ("report.json", "timeline.md")
_WORD = re.compile(r"[A-Za-z0-9]+")
# fmt: off
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "how",
    "i", "in", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "so",
    "that", "the", "then", "there", "this", "to", "up", "was", "we", "what", "when", "where",
    "which", "while", "who", "why", "will", "with"
})
# fmt: on
_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS recurrence_docs USING fts5("
    "key UNINDEXED, kind UNINDEXED, ref UNINDEXED, title, body, tokenize='porter unicode61')",
    "CREATE TABLE IF NOT EXISTS recurrence_files (key TEXT PRIMARY KEY, stamp TEXT NOT NULL)",
)
_QUERY = """
SELECT key, kind, ref, title, bm25(recurrence_docs, 0, 0, 0, 4.0, 1.0) AS rank,
       snippet(recurrence_docs, 4, ?, ?, ' … ', 24)
FROM recurrence_docs WHERE recurrence_docs MATCH ? ORDER BY rank
"""
_NAMED = """
SELECT key, highlight(recurrence_docs, 3, ?, ?), highlight(recurrence_docs, 4, ?, ?)
FROM recurrence_docs WHERE recurrence_docs MATCH ?
"""
MARKS = ("\x02", "\x03")  # what recurrence_match reads the matched spans between


@dataclass(frozen=True)
class _Doc:
    key: str
    kind: Kind
    ref: str
    files: tuple[Path, ...]


def search(
    text: str,
    runbooks_dir: Path | None,
    db_path: Path,
    limit: int = 5,
    *,
    runs_dir: Path | None = None,
    marks: tuple[str, str] = ("**", "**"),
) -> list[Match]:
    """Rank runbooks and past runs by relevance to ``text`` (a symptom, signals, log lines).

    ``runs_dir`` defaults to ``runs/`` next to the database (the state dir layout).
    """
    query = fts_query(text)
    if not query:
        return []
    docs = [*_runbook_docs(runbooks_dir), *_run_docs(runs_dir or db_path.parent / "runs")]
    with closing(_connect(db_path)) as conn:
        refresh(conn, docs)
        return [m for _, m in _best_per_document(conn.execute(_QUERY, (*marks, query)), limit)]


def recall(
    text: str,
    runbooks_dir: Path | None,
    db_path: Path,
    limit: int = 5,
    *,
    anchors: tuple[Anchor, ...] = (),
    runs_dir: Path | None = None,
    marks: tuple[str, str] = ("**", "**"),
) -> Found:
    """Runbooks and past runs apart, each ranked (up to ``limit``), each with why it matched;
    with ``anchors``, only the documents that name one of the symptom's alerts, signals or
    metrics (a service alone does not make a runbook related), those naming more of them first,
    then by BM25."""
    query = fts_query(" ".join([text, *(a.words for a in anchors)]))
    if not query:
        return Found()
    docs = [*_runbook_docs(runbooks_dir), *_run_docs(runs_dir or db_path.parent / "runs")]
    with closing(_connect(db_path)) as conn:
        refresh(conn, docs)
        related = _related(conn, anchors)
        rows = conn.execute(_QUERY, (*MARKS, query))
        best = _best_per_document(rows, None, keep=related)
    if related is not None:  # naming more of the symptom's alerts, signals, metrics ranks first
        best.sort(key=lambda kv: -sum(a.admits for a in related[kv[0]]))  # stable: then BM25
    lists: dict[Kind, list[Match]] = {"runbook": [], "run": []}
    for key, match in best:
        kept = lists[match.kind]
        if len(kept) < limit:
            reasons = why((related or {}).get(key, []), match.snippet)
            kept.append(_marked(match, len(kept) + 1, reasons, marks))
    return Found(runbooks=lists["runbook"], runs=lists["run"])


def _related(
    conn: sqlite3.Connection, anchors: tuple[Anchor, ...]
) -> dict[str, list[Anchor]] | None:
    """Each document that names an anchor that admits (an alert, signal or metric): the anchors
    it names. None when no anchor admits (a free-text search): every document is related."""
    if not anchor_query(anchors):
        return None
    any_anchor = " OR ".join(dict.fromkeys(f'"{a.words}"' for a in anchors if a.words))
    found: dict[str, list[Anchor]] = {}
    for key, title, body in conn.execute(_NAMED, (*MARKS, *MARKS, any_anchor)):
        found.setdefault(key, []).extend(named(anchors, (title, body)))
    return {k: list(dict.fromkeys(v)) for k, v in found.items() if any(a.admits for a in v)}


def _marked(match: Match, rank: int, reasons: tuple[str, ...], marks: tuple[str, str]) -> Match:
    snippet = match.snippet.replace(MARKS[0], marks[0]).replace(MARKS[1], marks[1])
    return Match(match.kind, match.path_or_run, match.title, match.score, snippet, rank, reasons)


def _best_per_document(
    rows: Iterator[tuple[Any, ...]], limit: int | None, keep: dict[str, Any] | None = None
) -> list[tuple[str, Match]]:
    """Rows come best first; keep the first (best) passage of each runbook or run (of those in
    ``keep``, when given)."""
    found: dict[str, Match] = {}
    for key, kind, ref, title, rank, passage in rows:
        if key not in found and (keep is None or key in keep):
            found[key] = Match(kind, ref, title, round(-rank, 4), _flat(passage))
        if len(found) == limit:
            break
    return list(found.items())


def fts_query(text: str) -> str:
    """Free text to an FTS5 query: each meaningful word quoted, any of them may match."""
    words = dict.fromkeys(
        w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS
    )
    return " OR ".join(f'"{w}"' for w in words)


def _connect(db_path: Path) -> sqlite3.Connection:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        for statement in _SCHEMA:
            conn.execute(statement)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise DrillError(
            f"{db_path}: recurrence index unavailable: {exc}", hint="needs SQLite with FTS5"
        ) from exc
    return conn


def refresh(conn: sqlite3.Connection, docs: list[_Doc]) -> None:
    """Re-read the documents whose files changed; drop those that no longer exist."""
    known = dict(conn.execute("SELECT key, stamp FROM recurrence_files").fetchall())
    current = {doc.key: doc for doc in docs}
    with conn:
        for key in known.keys() - current.keys():
            _forget(conn, key)
        for key, doc in current.items():
            stamp = _stamp(doc.files)
            if known.get(key) != stamp:
                _forget(conn, key)
                _store(conn, doc, stamp)


def _store(conn: sqlite3.Connection, doc: _Doc, stamp: str) -> None:
    title, passages = _read(doc)
    conn.executemany(
        "INSERT INTO recurrence_docs (key, kind, ref, title, body) VALUES (?, ?, ?, ?, ?)",
        [(doc.key, doc.kind, doc.ref, title, body) for body in passages],
    )
    conn.execute("INSERT INTO recurrence_files (key, stamp) VALUES (?, ?)", (doc.key, stamp))


def _forget(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM recurrence_docs WHERE key = ?", (key,))
    conn.execute("DELETE FROM recurrence_files WHERE key = ?", (key,))


def _stamp(files: tuple[Path, ...]) -> str:
    parts = []
    for path in files:
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}")
    return ";".join(parts)


def _runbook_docs(folder: Path | None) -> Iterator[_Doc]:
    if folder is None or not folder.is_dir():
        return
    for path in runbook_files(folder):
        resolved = path.resolve()
        yield _Doc(f"runbook:{resolved}", "runbook", str(path), (resolved,))


def _run_docs(runs_dir: Path) -> Iterator[_Doc]:
    if not runs_dir.is_dir():
        return
    for run in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
        files = tuple(run / name for name in RUN_FILES if (run / name).is_file())
        if files:
            yield _Doc(f"run:{run.resolve()}", "run", run.name, files)


def _read(doc: _Doc) -> tuple[str, list[str]]:
    """The title and the passages (one per section) of a runbook or a run."""
    if doc.kind == "runbook":
        lines = markdown.scan(inputs.read_text(doc.files[0]))
        head = markdown.title(lines)
        return (head[1] if head else doc.files[0].stem), passages(lines)
    report = _report(doc.files)
    # a run's timeline.md writes ">" as "&gt;": quote it as the reader saw it, not as its source
    texts = [html.unescape(inputs.read_text(p)) for p in doc.files if p.suffix == ".md"]
    found = [part for text in texts for part in passages(markdown.scan(text))]
    return _run_title(doc.ref, report), [*found, "\n".join(_strings(report))]


def passages(lines: list[markdown.Line]) -> list[str]:
    """The text before the first ``##`` heading, then each ``##`` section with its heading."""
    found = markdown.sections(lines)
    first = found[0].line - 1 if found else len(lines)
    lead = "\n".join(line.text for line in lines[:first])
    parts = [lead, *(f"{s.title}\n{s.text()}" for s in found)]
    return [part for part in parts if part.strip()]


def _report(files: tuple[Path, ...]) -> dict[str, Any]:
    for path in files:
        if path.name == "report.json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _run_title(run_id: str, report: dict[str, Any]) -> str:
    """``run ID: Title · result`` from report.json (``title``; older shapes: ``scenario.title``)."""
    scenario = report.get("scenario")
    nested = scenario.get("title") or scenario.get("name") if isinstance(scenario, dict) else None
    name = report.get("title") or nested or (scenario if isinstance(scenario, str) else None)
    parts = [str(p) for p in (name, report.get("result")) if p]
    return f"run {run_id}" + (f": {' · '.join(parts)}" if parts else "")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _flat(text: str) -> str:
    return " ".join(text.split())
