"""The responder states a hypothesis as drillctl does: the service (Tab completes from the
target's services), the kind of change (from ChangeKind), then the sentence; the verdict compares
the picked fields with the scenario's root cause."""

from __future__ import annotations

from typing import Any

import pytest

from drillctl.core.clock import FakeClock
from drillctl.core.events import ChangeKind, HypothesisVerdict, ResponderHypothesis
from drillctl.engine.diagnosis import Diagnosis
from drillctl.engine.ports import Action
from drillctl.operator.completion import Choice, NotAChoice
from drillctl.operator.interactive import target_services
from drillctl.operator.responder import KeyHandler
from drillctl.scenario.catalog import Catalog

SERVICES = ["ebit-api", "ebit-game", "ebit-postgres", "ebit-redis-cache", "prometheus"]


def test_tab_completes_the_longest_shared_start_and_enter_picks_a_unique_one() -> None:
    choice = Choice("service", tuple(SERVICES))
    assert choice.complete("p") == "prometheus"
    assert choice.complete("ebit-") == "ebit-"  # several: what they share, nothing more
    assert choice.complete("ebit-r") == "ebit-redis-cache"
    assert choice.complete("zz") == "zz"
    assert choice.pick("ebit-g") == "ebit-game"
    assert choice.pick("  ") is None  # not stated
    with pytest.raises(NotAChoice, match="ebit-api ebit-game"):
        choice.pick("ebit-")
    with pytest.raises(NotAChoice, match="no such service"):
        choice.pick("mysql")
    assert Choice("service", ()).pick("whatever") == "whatever"  # no list known: taken as typed


def test_the_hypothesis_key_asks_service_then_kind_then_the_sentence() -> None:
    keys = KeyHandler(SERVICES)
    assert keys.feed("h") == [] and keys.prompt == "service: "
    assert "ebit-api ebit-game ebit-postgres" in (keys.hint or "")
    keys.feed("ebit-a\t")
    assert keys.prompt == "service: ebit-api"
    keys.feed("\rsto\t")
    assert keys.prompt == "kind: stopped"
    assert keys.feed("\r") == [] and keys.prompt == "hypothesis: "
    assert keys.hint == "service ebit-api, kind stopped: now the sentence, Enter sends"
    said = "the consumer is down"
    assert keys.feed(said + "\r") == [
        Action(ResponderHypothesis(text=said, service="ebit-api", kind=ChangeKind.STOPPED))
    ]
    assert keys.prompt is None and keys.hint is None


def test_a_name_that_is_no_option_stays_in_the_prompt_with_the_reason() -> None:
    keys = KeyHandler(SERVICES)
    keys.feed("hebit-\r")
    assert keys.prompt == "service: ebit-" and "ebit-api ebit-game" in (keys.hint or "")
    keys.feed("\x15mysql\r")
    assert keys.prompt == "service: mysql" and keys.hint == "'mysql': no such service"
    keys.feed("\x15\r\r")  # both left empty: not stated, the sentence is read for them
    assert keys.feed("ebit-api is down\r") == [Action(ResponderHypothesis(text="ebit-api is down"))]
    assert keys.feed("h\x1b") == [] and keys.prompt is None  # Esc drops the whole hypothesis


def test_the_services_come_from_the_targets_inventory() -> None:
    target = {"driver": "compose", "services": [{"service": "ebit-api"}, {"error": "x"}]}
    assert target_services(target) == ["ebit-api"]
    assert target_services({}) == []


class _Journal:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def append(self, event: Any) -> Any:
        self.events.append(event)
        return event


def _verdict(service: str | None, kind: str | None, text: str) -> HypothesisVerdict:
    scenario = Catalog(None).load("bullmq-backpressure").scenario  # ebit-api, stopped, a signal
    journal = _Journal()
    diagnosis = Diagnosis(scenario, journal, FakeClock(), None, None, judge_own=False)  # type: ignore[arg-type]
    diagnosis.verdict(text, service, kind)
    return journal.events[-1]


def test_the_picked_fields_are_what_the_verdict_compares() -> None:
    right = _verdict("ebit-api", "stopped", "no consumer")
    assert right.matched and right.compared["service"]["stated"] == "ebit-api"
    assert "signals" not in right.compared  # the panel asks for no signal: none compared
    assert not _verdict("ebit-postgres", "stopped", "ebit-api is down").matched
    assert not _verdict("ebit-api", "flushed", "ebit-api is down").matched
    assert _verdict(None, None, "ebit-api is down").matched  # read from the sentence
