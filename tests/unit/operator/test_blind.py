"""Blind drills: the seeded draw, what the journal and the panel hide, the reveal at the end."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from builtin_names import BUILTIN_SCENARIOS
from rich.console import Console

from drillctl.core.clock import FakeClock
from drillctl.core.errors import ConfigError
from drillctl.operator.blind import (
    PLACEHOLDER,
    SEALED_NAME,
    BlindJournal,
    BlindPick,
    candidate_names,
    choose,
    draw,
    hidden_details,
    masked_plan,
    open_journal,
    pick_for_run,
    read_sealed,
)
from drillctl.operator.panel import PanelView, render
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.overrides import parse_assignments

NAMES = BUILTIN_SCENARIOS


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(None)


def test_the_same_seed_draws_the_same_scenario_whatever_the_order() -> None:
    for seed in range(50):
        assert draw(NAMES, seed) == draw(list(reversed(NAMES)), seed)
    assert len({draw(NAMES, seed) for seed in range(50)}) == len(NAMES)  # and every one can come


def test_choose_is_replayable_from_the_seed(catalog: Catalog) -> None:
    first = choose(catalog, "all", seed=1234, sets={})
    again = choose(catalog, "all", seed=1234, sets={})
    assert first.name == again.name and first.seed == 1234
    assert first.candidates == tuple(NAMES)


def test_candidates_from_a_list_a_configured_set_or_all(catalog: Catalog) -> None:
    sets = {"queues": ["bullmq-backpressure", "redis-cache-flush"]}
    assert candidate_names("queues", catalog, sets) == sets["queues"]
    assert candidate_names("a, b", catalog, sets) == ["a", "b"]
    assert candidate_names("all", catalog, {}) == NAMES
    with pytest.raises(ConfigError):
        candidate_names(" , ", catalog, sets)


def test_difficulty_filters_the_candidates(catalog: Catalog) -> None:
    pick = choose(catalog, "all", seed=9, sets={}, difficulty="easy")
    assert pick.candidates == ("bullmq-backpressure",) and pick.name == "bullmq-backpressure"
    with pytest.raises(ConfigError):
        choose(catalog, "redis-cache-flush", seed=9, sets={}, difficulty="easy")
    with pytest.raises(ConfigError):
        choose(catalog, "all", seed=9, sets={}, difficulty="impossible")


def test_sets_apply_to_the_drawn_scenario(catalog: Catalog) -> None:
    pick = choose(
        catalog,
        "bullmq-backpressure",
        seed=1,
        sets={},
        assignments=parse_assignments(["faults[0].duration=20s"]),
    )
    assert pick.loaded.scenario.faults[0].duration.total_seconds() == 20  # type: ignore[attr-defined]


def _pick(catalog: Catalog) -> BlindPick:
    return pick_for_run(
        catalog,
        "bullmq-backpressure",
        seed=5,
        sets={},
        difficulty=None,
        assignments=(),
        target="compose project lab",
    )


def test_the_masked_plan_gives_nothing_away(catalog: Catalog) -> None:
    pick = _pick(catalog)
    text = "\n".join(masked_plan(pick))
    assert "seed 5" in text and "1 candidate" in text
    for word in ("bullmq", "consumer-down", "stop", "ebit-api", "queue_waiting"):
        assert word not in text
    assert any("stop" in line for line in pick.plan)  # the game master's plan has it all


def _run(journal: BlindJournal | object) -> None:
    journal.append(  # type: ignore[attr-defined]
        "run.started",
        run_id="20260105-090000-blind-ab12",
        scenario={"name": "bullmq-backpressure", "title": "BullMQ", "severity": "P2"},
        scenario_file="built-in",
        mode="interactive",
        operator="trainee",
        seed=5,
        blind=False,
        dashboards={"ebit-perf-test": ""},
    )


def test_the_journal_holds_a_placeholder_then_reveals_before_the_end(
    tmp_path: Path, catalog: Catalog
) -> None:
    pick = _pick(catalog)
    journal = open_journal(tmp_path, "journal.jsonl", pick, clock=FakeClock())
    assert isinstance(journal, BlindJournal)
    drained: list[str] = []
    journal.hooks.before_end.append(lambda: drained.append("gm"))
    _run(journal)
    journal.append("baseline", signal="queue_waiting", centre=2.0, unit="jobs")
    journal.append("gm.hint", text="look at the queue", by="lead")
    during = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert "bullmq" not in during and "only consumer" not in during
    started = journal.events[0].data
    assert started["scenario"]["name"] == PLACEHOLDER and started["blind"] is True
    assert started["scenario_file"] == "hidden" and started["seed"] == 5
    journal.append("run.ended", exit_code=0, result="passed", reason="ok")
    journal.close()
    assert drained == ["gm"]
    assert [e.type for e in journal.events][-2:] == ["blind.revealed", "run.ended"]
    revealed = journal.events[-2].data
    assert revealed["scenario"] == "bullmq-backpressure"
    assert revealed["root_cause"].startswith("The only consumer")
    assert revealed["faults"] == ["consumer-down (stop-service)"]
    assert "plan" not in revealed


def test_the_sealed_scenario_is_for_the_game_master_only(tmp_path: Path, catalog: Catalog) -> None:
    pick = _pick(catalog)
    open_journal(tmp_path, "journal.jsonl", pick, clock=FakeClock()).close()
    sealed = tmp_path / SEALED_NAME
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    assert read_sealed(tmp_path) == json.loads(json.dumps(hidden_details(pick), default=str))
    assert read_sealed(tmp_path / "nowhere") is None


def test_an_ordinary_run_gets_an_ordinary_journal(tmp_path: Path) -> None:
    journal = open_journal(tmp_path, "journal.jsonl", None, clock=FakeClock())
    assert not isinstance(journal, BlindJournal)
    journal.close()
    assert not (tmp_path / SEALED_NAME).exists()


def _screen(events) -> str:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(render(PanelView.fold(events), FakeClock().now()))
    return console.export_text()


def test_the_panel_of_a_blind_drill_names_nothing_and_shows_hints(
    tmp_path: Path, catalog: Catalog
) -> None:
    journal = open_journal(tmp_path, "journal.jsonl", _pick(catalog), clock=FakeClock())
    _run(journal)
    journal.append("baseline", signal="queue_waiting", centre=2.0, unit="jobs")
    journal.append("sample", signal="queue_waiting", value=300.0, at="2026-01-05T09:00:00Z")
    journal.append(
        "evidence", kind="runbook", source="runbooks", summary="runbooks/bullmq-backpressure.md"
    )
    journal.append("gm.hint", text="what consumes the queue?", by="lead")
    screen = _screen(journal.events)
    assert "blind drill" in screen and "signal 1" in screen
    assert "hint from lead: what consumes the queue?" in screen
    for word in ("bullmq", "queue_waiting", "consumer-down"):
        assert word not in screen
    journal.append("run.ended", exit_code=0, result="passed", reason="ok")
    assert "revealed: bullmq-backpressure" in _screen(journal.events)
