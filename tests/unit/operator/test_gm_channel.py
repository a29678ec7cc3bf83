"""The game master's channel: gm.jsonl lines reach the running engine as gm.* journal events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from engine_fakes import rig, spike

from drillctl.operator.gm_channel import GM_NAME, GmAction, GmFollower, following, send

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _action(kind: str, **data: object) -> GmAction:
    return GmAction.model_validate({"kind": kind, "by": "lead", "sent_at": AT, **data})


def test_follower_reads_complete_lines_once_and_skips_garbage(tmp_path: Path) -> None:
    follower = GmFollower(tmp_path / GM_NAME)
    assert follower.read_new() == []  # no file yet
    send(tmp_path, _action("hint", text="look at the queue"))
    with (tmp_path / GM_NAME).open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
        handle.write('{"kind": "verdict", "by": "lead"')  # torn: no newline yet
    first = follower.read_new()
    assert [a.kind for a in first] == ["hint"] and first[0].text == "look at the queue"
    with (tmp_path / GM_NAME).open("a", encoding="utf-8") as handle:
        handle.write(f', "sent_at": "{AT.isoformat()}", "verdict": "correct"}}\n')
    second = follower.read_new()
    assert [(a.kind, a.verdict) for a in second] == [("verdict", "correct")]
    assert follower.read_new() == []


def test_events_carry_the_journal_vocabulary() -> None:
    assert _action("hint", text="t").event() == ("gm.hint", {"by": "lead", "text": "t"})
    assert _action("extend", seconds=30).event() == ("gm.extend", {"by": "lead", "seconds": 30})
    assert _action("end-fault").event() == ("gm.end-fault", {"by": "lead"})
    assert _action("verdict", verdict="incorrect").event() == (
        "gm.verdict",
        {"by": "lead", "verdict": "incorrect"},
    )
    assert _action("debrief", text="d").event() == ("gm.debrief", {"by": "lead", "text": "d"})


def _run_with_channel(r, run_dir: Path):
    async def go():
        async with following(r.engine, run_dir):
            return await r.engine.run()

    return asyncio.run(go())


def test_an_extension_lengthens_the_hold_and_a_hint_is_journalled(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 60), hold_s=20)
    run_dir = r.journal.path.parent
    send(run_dir, _action("extend", seconds=15))
    send(run_dir, _action("hint", text="what consumes the queue?"))
    outcome = _run_with_channel(r, run_dir)
    assert outcome.exit_code == 0, outcome.reason
    assert r.of("gm.extend") == [{"by": "lead", "seconds": 15.0}]
    assert r.of("gm.hint") == [{"by": "lead", "text": "what consumes the queue?"}]
    inject_at = next(e.ts for e in r.journal.events if e.type == "fault.inject-started")
    revert_at = next(e.ts for e in r.journal.events if e.type == "fault.revert-started")
    assert (revert_at - inject_at).total_seconds() == 35  # 20 s declared + 15 s extension


def test_ending_the_fault_early_reverts_by_the_game_master(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 14), hold_s=60)
    run_dir = r.journal.path.parent
    send(run_dir, _action("end-fault"))
    outcome = _run_with_channel(r, run_dir)
    assert r.faults.reverts == ["game-master"], outcome.reason
    assert r.types().index("gm.end-fault") < r.types().index("fault.revert-started")
