"""The engine's state machine with a fake observer, fake faults and a fake clock."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from engine_fakes import rig, scenario, spike

from drillctl.core.events import (
    ResponderAbort,
    ResponderAck,
    ResponderHypothesis,
    ResponderRevert,
)
from drillctl.engine.ports import Action


def _phases(r) -> list[str]:
    return [d["phase"] for d in r.of("phase")]


def test_unattended_drill_passes_and_journals_every_step(tmp_path: Path) -> None:
    r = rig(
        tmp_path, spike(8, 30)
    )  # baseline 0-5 s, injected at 5 s, waiting high from 8 s to 30 s
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (0, "passed"), outcome.reason
    assert _phases(r) == [
        "preflight",
        "traffic",
        "baseline",
        "inject",
        "observe",
        "revert",
        "recover",
        "report",
    ]
    assert r.faults.reverts == ["engine"]
    assert r.types()[0] == "run.started" and r.types()[-1] == "run.ended"
    assert r.of("run.ended")[0] == {
        "exit_code": 0,
        "result": "passed",
        "reason": "every expectation met",
    }
    auto = r.of("hypothesis.auto")[0]
    assert "waiting moved first" in auto["text"] and "ebit-api had 'die'" in auto["text"]
    assert r.of("hypothesis.verdict")[0]["matched"] is True  # "ebit-api" from the container event
    assert {d["name"]: d["passed"] for d in r.of("expectation")} == {
        "symptom": True,
        "recovered": True,
        # a keywords-only root cause: drillctl's verdict stays informational, no expectation
    }
    revert_at = next(e.ts for e in r.journal.events if e.type == "fault.revert-started")
    inject_at = next(e.ts for e in r.journal.events if e.type == "fault.inject-started")
    assert (revert_at - inject_at).total_seconds() == 20  # the declared duration


def test_preflight_problem_injects_nothing_and_exits_2(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30), problems=["unknown service ebit-apii (services: ebit-api)"])
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (2, "invalid")
    assert "unknown service ebit-apii" in outcome.reason
    assert not [t for t in r.types() if t.startswith("fault.")]


def test_symptom_during_baseline_exits_5_and_injects_nothing(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(0, 100))
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (5, "not-steady")
    assert "nothing was injected" in outcome.reason
    assert "fault.inject-started" not in r.types()


def test_an_expected_alert_firing_at_the_end_of_the_baseline_exits_5_and_injects_nothing(
    tmp_path: Path,
) -> None:
    scn = scenario(expect={"alerts": [{"name": "BetSettledQueueBacklog", "within": "60s"}]})
    r = rig(tmp_path, spike(8, 30), scn=scn)
    r.observer.firing_at_baseline = ["ApiReadsFailing", "BetSettledQueueBacklog"]
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (5, "not-steady")
    assert outcome.reason == (
        "not in steady state during the baseline: alert BetSettledQueueBacklog (expected by this"
        " drill) is already firing; nothing was injected"
    )  # ApiReadsFailing is not one the drill expects: it does not stop it
    assert "fault.inject-started" not in r.types()


def test_an_unexpected_alert_firing_at_the_baseline_does_not_stop_the_drill(
    tmp_path: Path,
) -> None:
    r = rig(tmp_path, spike(8, 30))
    r.observer.firing_at_baseline = ["ApiReadsFailing"]
    outcome = asyncio.run(r.engine.run())
    assert "fault.inject-started" in r.types(), outcome


def test_no_symptom_fails_with_exit_1_naming_the_expectation(tmp_path: Path) -> None:
    scn = scenario(expect={"symptom_within": "10s"})
    r = rig(tmp_path, spike(1000, 1001), scn=scn)
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (1, "failed")
    assert outcome.reason == "expectation failed: symptom, recovered"
    symptom = next(d for d in r.of("expectation") if d["name"] == "symptom")
    assert symptom["detail"] == "no signal showed the symptom within 10s of the injection"
    assert "hypothesis.auto" not in r.types()
    # it did not wait the whole recovery timeout for a symptom that had to come within 10 s
    assert (r.journal.events[-1].ts - r.journal.events[0].ts).total_seconds() < 40


def test_responder_revert_comes_before_the_declared_duration(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 14), mode="interactive")

    async def go():
        task = asyncio.create_task(r.engine.run())
        while "symptom" not in r.types():
            await asyncio.sleep(0)
        r.engine.responder_action(Action(ResponderAck()))
        r.engine.responder_action(Action(ResponderHypothesis(text="the consumer ebit-api is down")))
        r.engine.responder_action(Action(ResponderRevert(), command="revert"))
        return await task

    outcome = asyncio.run(go())
    assert outcome.exit_code == 0, outcome.reason
    assert r.faults.reverts == ["responder"]
    assert r.of("hypothesis.verdict")[-1] == {
        "matched": True,
        "keywords_hit": ["consumer", "ebit-api"],
        "compared": {},
        "by": "drillctl",
    }
    assert r.types().index("responder.revert") < r.types().index("fault.revert-started")


def test_interactive_drill_without_ack_or_hypothesis_is_not_a_pass(tmp_path: Path) -> None:
    scn = scenario(recovery={"timeout": "10s"})
    r = rig(tmp_path, spike(8, 30), mode="interactive", scn=scn)
    r.engine.options.max_duration = r.engine.options.max_duration / 15  # a 1-minute cap
    outcome = asyncio.run(r.engine.run())
    assert outcome.exit_code == 1
    assert outcome.result == "passed"  # the stack did its part; the report turns it into incomplete
    assert (
        outcome.reason
        == "incomplete: the responder never acknowledged; the responder stated no hypothesis"
    )
    assert r.of("guardrail")[-1]["name"] == "max_duration"


def test_abort_reverts_and_exits_3(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30), mode="interactive")

    async def go():
        task = asyncio.create_task(r.engine.run())
        while "fault.injected" not in r.types():
            await asyncio.sleep(0)
        r.engine.responder_action(Action(ResponderAbort(), command="abort"))
        return await task

    outcome = asyncio.run(go())
    assert (outcome.exit_code, outcome.result) == (3, "aborted")
    assert r.faults.reverts == ["responder"]


def test_abort_if_guardrail_reverts_and_exits_3(tmp_path: Path) -> None:
    scn = scenario(guardrails={"abort_if": [{"signal": "waiting", "above": 400}]})
    r = rig(tmp_path, spike(8, 30), scn=scn)
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (3, "aborted")
    assert r.faults.reverts == ["guardrail"]
    assert r.of("guardrail")[0]["name"] == "abort_if:waiting"
    assert "crossed the abort threshold" in outcome.reason


def test_failed_revert_exits_4(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30), fail_revert=True)
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (4, "revert-failed")
    assert "drillctl recover" in outcome.reason


def test_failed_injection_is_reverted_and_exits_2(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30), fail_inject=True)
    outcome = asyncio.run(r.engine.run())
    assert (outcome.exit_code, outcome.result) == (2, "invalid")
    assert r.faults.reverts == ["engine"]


def test_cancellation_reverts_by_signal_and_exits_3(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30))

    async def go():
        task = asyncio.create_task(r.engine.run())
        while "fault.injected" not in r.types():
            await asyncio.sleep(0)
        task.cancel()
        return await task

    outcome = asyncio.run(go())
    assert (outcome.exit_code, outcome.result) == (3, "aborted")
    assert r.faults.reverts == ["signal"]
    assert r.types()[-1] == "run.ended"


def test_wrong_expected_cause_is_a_mismatch(tmp_path: Path) -> None:
    scn = scenario(root_cause={"summary": "the disk is full", "keywords": ["disk", "full"]})
    r = rig(tmp_path, spike(8, 30), scn=scn)
    asyncio.run(r.engine.run())
    assert r.of("hypothesis.verdict")[0] == {
        "matched": False,
        "keywords_hit": [],
        "by": "drillctl",
        "compared": {},
    }


def test_invariants_are_expectations(tmp_path: Path) -> None:
    scn = scenario(
        expect={
            "invariants": [
                {
                    "name": "jobs_lost",
                    "source": "prometheus",
                    "query": "ebit_bets_lost",
                    "equals": 0,
                }
            ]
        }
    )
    r = rig(tmp_path, spike(8, 30), scn=scn)
    r.observer.invariant_values["jobs_lost"] = 2.0
    outcome = asyncio.run(r.engine.run())
    assert outcome.exit_code == 1
    inv = next(d for d in r.of("expectation") if d["name"] == "invariant:jobs_lost")
    assert inv["passed"] is False and inv["actual"] == 2.0


def test_recurrence_search_lands_as_runbook_evidence(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30))
    asyncio.run(r.engine.run())
    runbook = next(d for d in r.of("evidence") if d["kind"] == "runbook")
    assert runbook["items"][0]["path"] == "runbooks/queue.md"
    assert runbook["summary"] == "1 runbook(s) match the symptom"
    # the signal that moved is what the search names (the fake rig's signal has no metric name)
    assert runbook["items"][0]["why"] == ["signal waiting"]
    run = next(d for d in r.of("evidence") if d["kind"] == "past-run")
    assert (run["summary"], run["items"][0]["run"]) == ("1 past run(s) match the symptom", "r0")
    assert "runbook runbooks/queue.md matches" in r.of("hypothesis.auto")[0]["text"]


def _lost_invariant(measure: str) -> dict[str, Any]:
    lost = {"name": "lost", "source": "prometheus", "query": "max(ebit_bets_lost)", "equals": 0}
    return {"invariants": [{**lost, "measure": measure}]}


def test_a_change_invariant_ignores_losses_from_before_the_drill(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30), scn=scenario(expect=_lost_invariant("change")))
    r.observer.invariant_values["lost"] = 7.0  # earlier incidents' losses, unchanged by the drill
    assert asyncio.run(r.engine.run()).exit_code == 0
    inv = next(d for d in r.of("expectation") if d["name"] == "invariant:lost")
    assert inv["passed"] is True and inv["actual"] == 0.0


def test_a_change_invariant_fails_on_growth_during_the_drill(tmp_path: Path) -> None:
    r = rig(tmp_path, spike(8, 30), scn=scenario(expect=_lost_invariant("change")))
    readings = iter([7.0, 10.0])  # just before the injection, then at the end

    async def read(inv: Any) -> float:
        return next(readings)

    r.observer.invariant = read  # type: ignore[method-assign]
    assert asyncio.run(r.engine.run()).exit_code == 1
    inv = next(d for d in r.of("expectation") if d["name"] == "invariant:lost")
    assert inv["passed"] is False and inv["actual"] == 3.0


def test_the_faults_are_held_from_when_they_took_effect(tmp_path: Path) -> None:
    # the stop's SIGTERM grace period (10 s) is not counted in the 20 s the fault is held
    r = rig(tmp_path, spike(8, 60), slow_stop_s=10)
    outcome = asyncio.run(r.engine.run())
    assert outcome.exit_code == 0, outcome.reason
    ts = {e.type: e.ts for e in reversed(r.journal.events)}
    inject = next(e.ts for e in r.journal.events if e.data.get("phase") == "inject")
    held = (ts["fault.revert-started"] - r.faults.effective_at).total_seconds()
    assert (r.faults.effective_at - inject).total_seconds() == 10
    assert 20 <= held < 21


def test_a_verdict_that_could_not_be_formed_is_reported_not_judged(tmp_path: Path) -> None:
    """A root cause with fields and no symptom: the hypothesis expectation says why it was not
    judged, instead of vanishing from the report."""
    cause = {"summary": "consumer down", "service": "ebit-api", "kind": "stopped"}
    scn = scenario(expect={"symptom_within": "10s"}, root_cause=cause)
    r = rig(tmp_path, spike(1000, 1001), scn=scn)
    outcome = asyncio.run(r.engine.run())
    assert outcome.reason == "expectation failed: symptom, recovered, hypothesis"
    judged = next(d for d in r.of("expectation") if d["name"] == "hypothesis")
    assert judged["detail"] == "not judged: no signal moved, so drillctl formed no hypothesis"
    assert "hypothesis.verdict" not in r.types()
