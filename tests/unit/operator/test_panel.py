"""The responder's panel (rendered from events, 80x24) and the key handler."""

from __future__ import annotations

from drill_events import Events, drill
from rich.console import Console

from drillctl.core.events import (
    ResponderAbort,
    ResponderAck,
    ResponderChecklist,
    ResponderHypothesis,
    ResponderNote,
    ResponderPage,
    ResponderRevert,
)
from drillctl.core.journal import with_data
from drillctl.engine.ports import Action
from drillctl.operator.panel import PanelView, render
from drillctl.operator.responder import KeyHandler


def _screen(
    ev: Events, now_s: float, prompt: str | None = None, hint: str | None = None
) -> list[str]:
    console = Console(width=80, record=True, color_system=None, force_terminal=False)
    console.print(
        render(
            PanelView.fold(ev.events),
            ev.events[0].ts.__class__.fromisoformat(Events.at(now_s)),
            prompt,
            hint,
        )
    )
    return console.export_text().rstrip("\n").split("\n")


def _busy_drill() -> Events:
    ev = drill(symptom_at=8, recovered_at=None)
    ev.events[0] = with_data(
        ev.events[0],
        run_id="r1",
        scenario={"name": "bullmq-backpressure", "severity": "P2"},
        dashboards={
            "ebit-perf-test": "http://g/d/a?from=1&to=2",
            "perf-system": "http://g/d/b",
        },
    )
    ev.add(9, "sample", signal="waiting", value=340, at=Events.at(9))
    for i in range(6):
        ev.add(
            9,
            "baseline",
            signal=f"other_signal_with_a_rather_long_name_{i}",
            centre=1,
            spread=0,
            samples=3,
        )
    ev.add(10, "alert", name="BetSettledQueueBacklog", state="firing", source="prometheus")
    ev.add(
        11,
        "evidence",
        kind="log",
        source="logs",
        summary="12 error lines from ebit-api" + " x" * 80,
        items=[{"line": "boom"}],
    )
    ev.add(
        12,
        "evidence",
        kind="runbook",
        source="recurrence",
        summary="1 runbook(s) match the symptom",
        items=[{"path": "runbooks/bullmq-backpressure.md"}],
    )
    ev.add(12, "evidence", kind="past-run", source="recurrence", summary="no past run matches")
    ev.add(13, "responder.ack")
    ev.add(14, "responder.checklist", item="check logs")
    ev.add(15, "responder.hypothesis", text="the consumer is down " * 10)
    return ev


def test_panel_shows_timers_signals_alerts_and_checklist() -> None:
    screen = _screen(_busy_drill(), now_s=70)
    text = "\n".join(screen)
    assert "bullmq-backpressure (P2)" in screen[0]
    assert "since injection 01:05" in text and "since symptom 01:02" in text
    assert any(
        "waiting" in line and "10" in line and "340" in line and "SYMPTOM" in line
        for line in screen
    )
    assert "BetSettledQueueBacklog (firing)" in text
    assert "[x] 1 acknowledge" in text
    assert "[ ] 2 open the dashboards: ebit-perf-test perf-system" in text
    assert "[x] 4 check logs: 12 error lines from ebit-api" in text
    assert "[ ] 5 search for a recurrence: 1 runbook(s) match the symptom; no past run" in text
    assert "[ ] 6 if this were P0/P1 I would page now" in text
    assert "hypothesis: the consumer is down" in text


def test_panel_fits_80_by_24() -> None:
    screen = _screen(_busy_drill(), now_s=70, prompt="decision: " + "raise the limit " * 10)
    assert len(screen) <= 24
    assert max(len(line) for line in screen) <= 80
    assert screen[-1].startswith("> ") and screen[-1].endswith("_")


def test_the_options_of_a_hypothesis_field_fit_under_the_prompt() -> None:
    keys = KeyHandler(["ebit-api", "ebit-postgres", "ebit-redis-cache"] * 4)
    keys.feed("hebit-")
    screen = _screen(_busy_drill(), now_s=70, prompt=keys.prompt, hint=keys.hint)
    assert len(screen) <= 24 and max(len(line) for line in screen) <= 80
    assert screen[-1] == "> service: ebit-_"
    assert screen[-2].startswith("Tab completes, Enter picks, empty skips: ebit-api ebit-postgres")


def test_keys_bar_when_not_typing() -> None:
    assert "a ack  h hypothesis" in _screen(_busy_drill(), now_s=20)[-1]


def test_keys_become_actions() -> None:
    keys = KeyHandler()
    assert keys.feed("a") == [Action(ResponderAck())]
    assert keys.feed("1p6") == [
        Action(ResponderAck()),
        Action(ResponderPage()),
        Action(ResponderPage()),
    ]
    assert keys.feed("4") == [Action(ResponderChecklist(item="check logs"))]
    assert keys.feed("r") == [Action(ResponderRevert(), command="revert")]
    assert keys.feed("q") == [Action(ResponderAbort(), command="abort")]
    assert keys.feed("xyz") == []


def test_free_text_prompt_edits_and_submits() -> None:
    keys = KeyHandler()
    assert keys.feed("h\r\rredis flushd") == []  # service and kind left not stated
    assert keys.prompt == "hypothesis: redis flushd"
    assert keys.feed("\x7fed\r") == [Action(ResponderHypothesis(text="redis flushed"))]
    assert keys.prompt is None
    assert keys.feed("dq\x1b") == []  # q typed into the prompt is text, Esc cancels
    assert keys.feed("nmemo\x15ok\n") == [Action(ResponderNote(text="ok"))]
    assert keys.feed("h\r\r  \r") == []  # nothing typed: nothing journalled
