"""Blind drills: one scenario picked at random, hidden from the responder until the drill ends.

Selection. ``drillctl run --blind SPEC``: SPEC is ``a,b,c`` (scenario names), the name of a set in
``drill.blind_sets`` of drillctl.toml, or ``all`` (every scenario the catalog lists);
``--difficulty easy|medium|hard`` keeps the candidates whose metadata says so. The candidates are
sorted by name and one is drawn with ``random.Random(seed)``: the seed (``--seed``, else a fresh
one) is journalled in ``run.started``, so the same seed over the same candidates picks the same
scenario and a drill can be replayed.

What the responder must not learn before the end, and where each piece goes:

- the run id and directory say ``blind`` where they would say the scenario's name;
- ``run.started`` holds a placeholder (``scenario.name`` = ``blind drill``, no title, cause,
  description or runbook, ``scenario_file`` = ``hidden``) and ``blind: true``;
- the real scenario (identity, expected root cause, the dry-run plan with faults and signals,
  the candidates and the seed) goes to ``blind-scenario.json`` in the run directory, mode 0600,
  for the game master (``drillctl gm``);
- just before ``run.ended`` the drill journals ``blind.revealed`` with the scenario's name and the
  hidden details (title, severity, description, root cause, runbook, file, faults, signals,
  candidates), so every report after the end shows what was hidden and when it was revealed;
- the panel says "blind drill", names the signals ``signal 1..n`` (values and baselines stay),
  keeps drillctl's own findings (runbook matches, log and trace summaries) off the checklist, and
  shows the game master's hints; the dry-run and the confirmation before injecting print
  a masked plan (how many candidates and the seed); ``drillctl report`` refuses a blind run that
  has not ended.

What is NOT hidden, on purpose: the operational events of the journal (``fault.inject-started``
with its undo record, ``baseline``/``sample`` with signal names, container events). ``recover``
needs the undo records after a hard kill and safety comes first, so a responder who opens
``journal.jsonl`` by hand during the run can read them (as they could run ``docker ps``): the
drill hides the scenario from everything drillctl shows, not from a determined reader.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from drillctl.core.errors import ConfigError
from drillctl.core.events import BlindRevealed, JournalEvent, RunEnded, RunStarted
from drillctl.core.journal import Event, make_event
from drillctl.core.redact import Redactor
from drillctl.engine.plan import build_plan, render_plan
from drillctl.engine.ports import LiveJournal
from drillctl.scenario.catalog import Catalog, Loaded
from drillctl.scenario.overrides import Assignment

SEALED_NAME = "blind-scenario.json"
PLACEHOLDER = "blind drill"
RUN_ID_WORD = "blind"
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class BlindPick:
    """The drawn scenario, the seed that drew it and what it was drawn from."""

    loaded: Loaded
    seed: int
    candidates: tuple[str, ...]
    spec: str
    difficulty: str | None = None
    plan: tuple[str, ...] = ()  # the dry-run plan of the drawn scenario, for the game master

    @property
    def name(self) -> str:
        return self.loaded.scenario.name


# -- selection --------------------------------------------------------------------------------


def candidate_names(spec: str, catalog: Catalog, sets: Mapping[str, Sequence[str]]) -> list[str]:
    """``all``, a configured set's name, or a comma-separated list of scenario names."""
    spec = spec.strip()
    if spec == "all":
        return [loaded.scenario.name for loaded in catalog.listing().scenarios]
    listed = [n.strip() for n in spec.split(",") if n.strip()]
    names = list(sets[spec]) if spec in sets else listed
    if not names:
        raise ConfigError(f"--blind {spec!r}: no scenario names", hint=_spec_hint(sets))
    return names


def _spec_hint(sets: Mapping[str, Sequence[str]]) -> str:
    named = ", ".join(sorted(sets)) or "none configured (drill.blind_sets)"
    return f"give a,b,c, all, or a set: {named}"


def with_difficulty(loaded: Iterable[Loaded], difficulty: str | None) -> list[Loaded]:
    if difficulty is None:
        return list(loaded)
    if difficulty not in DIFFICULTIES:
        raise ConfigError(f"--difficulty {difficulty!r}: one of {', '.join(DIFFICULTIES)}")
    return [item for item in loaded if item.scenario.difficulty == difficulty]


def draw(candidates: Sequence[str], seed: int) -> str:
    """The same seed over the same candidates (in any order) draws the same name."""
    pool = sorted(set(candidates))
    if not pool:
        raise ConfigError("no scenario left to draw from", hint="check --blind and --difficulty")
    return random.Random(seed).choice(pool)


def choose(
    catalog: Catalog,
    spec: str,
    *,
    seed: int,
    sets: Mapping[str, Sequence[str]],
    difficulty: str | None = None,
    assignments: Sequence[Assignment] = (),
) -> BlindPick:
    """Draw one scenario; ``assignments`` (``--set``) apply to the drawn one only."""
    names = candidate_names(spec, catalog, sets)
    pool = with_difficulty((catalog.load(n) for n in dict.fromkeys(names)), difficulty)
    chosen = draw([item.scenario.name for item in pool], seed)
    return BlindPick(
        loaded=catalog.load(chosen, assignments),
        seed=seed,
        candidates=tuple(sorted({item.scenario.name for item in pool})),
        spec=spec,
        difficulty=difficulty,
    )


# -- what is hidden, and where it goes ------------------------------------------------------------


def with_plan(pick: BlindPick, target: str, redactor: Redactor | None = None) -> BlindPick:
    """The pick with the drawn scenario's dry-run plan (faults, signals, expectations) attached."""
    plan = build_plan(pick.loaded.scenario, source=pick.loaded.source, target=target)
    return replace(pick, plan=tuple(render_plan(plan, redactor)))


def hidden_details(pick: BlindPick) -> dict[str, Any]:
    """Everything the responder must not see before the end (sealed file and reveal event)."""
    s = pick.loaded.scenario
    return {
        "scenario": s.name,
        "title": s.title,
        "severity": s.severity,
        "difficulty": s.difficulty,
        "description": s.description,
        "root_cause": s.root_cause.summary,
        "runbook": str(s.runbook) if s.runbook else None,
        "scenario_file": pick.loaded.source,
        "faults": [_fault_words(f) for f in getattr(s, "faults", [])],
        "signals": [sig.name for sig in s.signals],
        "candidates": list(pick.candidates),
        "seed": pick.seed,
        "plan": list(pick.plan),
    }


def _fault_words(fault: Any) -> str:
    name = getattr(fault, "name", None)
    kind = getattr(fault, "type", "?")
    return f"{name} ({kind})" if name else str(kind)


def placeholder_scenario() -> dict[str, Any]:
    return {
        "name": PLACEHOLDER,
        "title": None,
        "severity": "hidden",
        "description": None,
        "objective": None,
        "root_cause": {"summary": None, "keywords": []},
        "runbook": None,
    }


def masked_started(data: Mapping[str, Any]) -> dict[str, Any]:
    """``run.started`` as a blind run journals it."""
    return {**data, "scenario": placeholder_scenario(), "scenario_file": "hidden", "blind": True}


def masked_plan(pick: BlindPick) -> list[str]:
    """What the dry-run and the confirmation print for a blind drill."""
    level = f" ({pick.difficulty})" if pick.difficulty else ""
    return [
        f"blind drill: one of {len(pick.candidates)} candidate scenarios{level}, seed {pick.seed}",
        "scenario, faults, targets, signals and expected cause stay hidden until the drill ends",
        "the game master follows it with: drillctl gm latest --by NAME",
    ]


def write_sealed(run_dir: Path, details: Mapping[str, Any]) -> Path:
    """``blind-scenario.json``, created 0600 (never world-readable, not even for an instant)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / SEALED_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(details, handle, indent=2, default=str)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def read_sealed(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / SEALED_NAME
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def signal_label(index: int) -> str:
    """How the responder's panel names the n-th signal (0-based) of a blind drill."""
    return f"signal {index + 1}"


# -- the journal of a blind run ------------------------------------------------------------------


@dataclass
class _Hooks:
    before_end: list[Callable[[], None]] = field(default_factory=list)


class BlindJournal(LiveJournal):
    """The live journal of a blind run: masks ``run.started``; reveals just before ``run.ended``.

    ``before_end`` callbacks run first (the game master's channel drains its last actions), so
    everything the game master sent during the run lands before the end.
    """

    def __init__(self, *args: Any, reveal: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reveal = {k: v for k, v in reveal.items() if k != "plan"}
        self.hooks = _Hooks()
        self._revealed = False

    def append(self, event: JournalEvent | str, **data: Any) -> Event:
        typed = make_event(event, **data)
        if isinstance(typed, RunStarted):
            typed = make_event(typed.type, **masked_started(typed.data))
        elif isinstance(typed, RunEnded) and not self._revealed:
            for hook in self.hooks.before_end:
                hook()
            self._revealed = True
            super().append(BlindRevealed(**self._reveal))
        return super().append(typed)


def open_journal(
    run_dir: Path, journal_name: str, pick: BlindPick | None, **kwargs: Any
) -> LiveJournal:
    """The run's live journal; for a blind run, seal the scenario first and mask the journal."""
    if pick is None:
        return LiveJournal(run_dir / journal_name, **kwargs)
    details = hidden_details(pick)
    write_sealed(run_dir, details)
    return BlindJournal(run_dir / journal_name, reveal=details, **kwargs)


def pick_for_run(
    catalog: Catalog,
    spec: str,
    *,
    seed: int | None,
    sets: Mapping[str, Sequence[str]],
    difficulty: str | None,
    assignments: Sequence[Assignment],
    target: str,
    redactor: Redactor | None = None,
) -> BlindPick:
    """``drillctl run --blind``: draw with the given seed (a fresh one otherwise), plan sealed."""
    from drillctl.engine.run_ids import new_seed

    drawn = choose(
        catalog,
        spec,
        seed=new_seed() if seed is None else seed,
        sets=sets,
        difficulty=difficulty,
        assignments=assignments,
    )
    return with_plan(drawn, target, redactor)
