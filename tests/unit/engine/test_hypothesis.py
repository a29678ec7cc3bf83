"""drillctl's evidence-based hypothesis and the keyword matcher."""

from __future__ import annotations

from drill_events import Events, drill

from drillctl.engine.hypothesis import build_hypothesis, judge, keyword_hits


def test_no_symptom_no_hypothesis() -> None:
    assert build_hypothesis(drill(symptom_at=None).events) is None


def test_names_the_first_signal_and_the_container_event_before_it() -> None:
    ev = drill(symptom_at=10)
    ev.symptom(12, "latency", 0.9, 0.01, breach=11)  # moved later: not the first
    ev.add(20, "alert", name="BetSettledQueueBacklog", state="firing", source="prometheus")
    ev.add(
        21,
        "evidence",
        kind="log",
        source="logs",
        summary="ebit-game warnings",
        items=[{"service": "ebit-game", "line": "queue bet_settled_queue waiting=300"}],
    )
    ev.add(
        22,
        "evidence",
        kind="runbook",
        source="recurrence",
        summary="1 runbook",
        items=[
            {"path": "runbooks/bullmq-backpressure.md", "passage": "consumer down, waiting grows"}
        ],
    )
    auto = build_hypothesis(ev.events)
    assert auto is not None
    assert auto.text.startswith(
        "Likely cause: ebit-api (die) drove waiting away from its baseline."
    )
    assert "waiting moved first: 340 against a baseline of 10" in auto.text
    assert (
        "3.5s before it, container ebit-api had 'die'" in auto.text
    )  # breach at 8 s, die at 4.5 s
    assert "alerts firing: BetSettledQueueBacklog" in auto.text
    assert "queue bet_settled_queue waiting=300" in auto.text
    assert "runbook runbooks/bullmq-backpressure.md matches" in auto.text
    kinds = [e["kind"] for e in auto.evidence]
    assert kinds == ["signal", "signals", "container", "alert", "log", "runbook"]


def test_never_reads_the_expected_cause_nor_the_fault() -> None:
    ev = Events().add(
        0, "run.started", scenario={"root_cause": {"summary": "disk full", "keywords": ["disk"]}}
    )
    ev.add(
        1,
        "fault.inject-started",
        fault=0,
        id="flush",
        type="exec",
        plan="FLUSHDB on redis",
        undo={},
    )
    ev.add(2, "fault.injected", fault=0, id="flush", result={})
    ev.symptom(5, "cache_miss_ratio", 0.97, 0.02)
    auto = build_hypothesis(ev.events)
    assert auto is not None
    assert "disk" not in auto.text and "FLUSHDB" not in auto.text
    assert "no container stopped, died or restarted before it" in auto.text
    assert not judge(auto.text, ["disk", "full"], 1).matched  # a wrong expected cause: mismatch


def test_a_container_event_long_before_the_symptom_is_not_a_cause() -> None:
    ev = Events().add(
        0, "container", service="ebit-api", action="start", at=Events.at(0), container_id="c"
    )
    ev.add(200, "fault.injected", fault=0, id="x", result={})
    ev.symptom(205, "signin_failures", 5, 0)
    auto = build_hypothesis(ev.events)
    assert auto is not None and "had 'start'" not in auto.text


def test_keywords_match_word_starts_case_insensitively() -> None:
    text = "The gateway THROTTLED handshakes from one source after a FLUSHDB"
    assert keyword_hits(text, ["throttl", "flush", "handshake storm", "redis"]) == [
        "throttl",
        "flush",
    ]
    assert keyword_hits("admin_default_password is wrong", ["ADMIN_DEFAULT_PASSWORD"]) == [
        "ADMIN_DEFAULT_PASSWORD"
    ]


def test_min_keywords() -> None:
    verdict = judge("consumer ebit-api down, queue backlog", ["consumer", "down", "redis"], 2)
    assert verdict.matched and verdict.keywords_hit == ["consumer", "down"]
    assert not judge("queue backlog", ["consumer", "down"], 2).matched


def test_primary_signal_leads_and_the_others_are_evidence() -> None:
    ev = drill(symptom_at=10)
    ev.add(
        9,
        "symptom",
        signal="api_up",
        value=0,
        baseline=1,
        rule="< 1",
        first_breach_at=Events.at(6),
        confirmed_at=Events.at(9),
    )
    auto = build_hypothesis(ev.events, primary={"waiting"})
    assert auto is not None
    assert "waiting moved first" in auto.text
    assert "also moved: api_up 1 -> 0" in auto.text


def test_a_recreated_container_points_at_a_changed_definition() -> None:
    ev = Events().add(
        0, "fault.inject-started", fault=0, id="x", type="env-override", plan="p", undo={}
    )
    for t, action in ((1, "create"), (1.5, "kill"), (2, "destroy"), (3, "start")):
        ev.add(t, "container", service="ebit-api", action=action, at=Events.at(t), container_id="c")
    ev.add(3.5, "fault.injected", fault=0, id="x", result={})
    ev.symptom(20, "signin_failure_ratio", 1, 0, breach=15)
    auto = build_hypothesis(ev.events)
    assert auto is not None
    assert auto.text.startswith("Likely cause: ebit-api was recreated with a changed definition")
    assert "ebit-api was recreated (a new container replaced the old one" in auto.text
    assert judge(auto.text, ["ADMIN_DEFAULT_PASSWORD", "config", "recreated"], 2).matched
    # a plain restart is not a recreation
    ev2 = drill(symptom_at=10)
    assert "recreated" not in build_hypothesis(ev2.events).text
