"""summarize(): the figures every report shows, asserted exactly on the fixture journals."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import JOURNALS, NAMES, load, with_events, without

from drillctl.core.journal import read_journal, with_data
from drillctl.report.summary import summarize


def test_passed_unattended_run_has_exact_durations() -> None:
    s = summarize(load("passed-unattended"))
    assert (s.scenario, s.severity, s.mode, s.operator) == (
        "bullmq-backpressure",
        "P2",
        "unattended",
        "ci",
    )
    assert (s.result, s.exit_code, s.issues) == ("passed", 0, [])
    d = s.durations
    assert d.detect_s == 12.0  # injected 10:00:33, symptom confirmed 10:00:45
    assert d.acknowledge_s is None  # nobody acknowledges an unattended run
    assert d.hypothesis_s == 13.0 and d.hypothesis_within_target is True
    assert d.mitigate_s == 48.0 and s.first_revert_by == "engine"
    assert d.recover_s == 29.0  # revert 10:01:33, recovered confirmed 10:02:02
    assert d.drill_s == 141.0


def test_passed_run_moments_are_utc_instants() -> None:
    at = summarize(load("passed-unattended")).at
    assert at.injected.isoformat() == "2026-03-02T10:00:33+00:00"
    assert at.symptom.isoformat() == "2026-03-02T10:00:45+00:00"
    assert at.first_revert.isoformat() == "2026-03-02T10:01:33+00:00"
    assert at.recovered.isoformat() == "2026-03-02T10:02:02+00:00"


def test_signals_have_baseline_and_peak_inside_the_drill() -> None:
    signals = {s.name: s for s in summarize(load("passed-unattended")).signals}
    waiting = signals["bet_settled_waiting"]
    assert (waiting.baseline, waiting.peak, waiting.unit) == (2.0, 180.0, "jobs")
    assert waiting.peak_at.isoformat() == "2026-03-02T10:01:34+00:00"
    assert signals["ebit_api_up"].peak == 0.0  # a drop is a peak too: furthest from the baseline


def test_alerts_fired_with_latency_from_the_injection() -> None:
    alerts = {a.name: a for a in summarize(load("passed-unattended")).alerts}
    assert alerts["EbitApiDown"].latency_s == 30.0
    assert alerts["BetSettledQueueBacklog"].latency_s == 45.0
    assert alerts["EbitApiDown"].resolved_at is not None


def test_expectations_evidence_traffic_and_jobs_lost() -> None:
    s = summarize(load("passed-unattended"))
    assert s.expectations[0].name == "symptom"
    assert all(e.passed for e in s.expectations) and len(s.expectations) == 5
    assert [e.kind for e in s.evidence] == ["log", "runbook"]
    assert s.jobs_lost == 0.0
    assert s.traffic is not None and s.traffic.errors > 0  # ebit-api was down: requests failed
    assert s.unavailable_sources == {
        "jaeger": "GET http://127.0.0.1:16686/api/v3/services: connection refused"
    }


def test_unattended_hypothesis_is_drillctls_own() -> None:
    s = summarize(load("passed-unattended"))
    assert (
        s.hypothesis is not None and s.hypothesis.by == "drillctl" and s.hypothesis.seconds == 13.0
    )
    assert s.verdict is not None and s.verdict.matched and s.verdict.by == "drillctl"


def test_interactive_run_times_the_responder() -> None:
    s = summarize(load("interactive"))
    d = s.durations
    assert (d.detect_s, d.acknowledge_s, d.hypothesis_s, d.mitigate_s, d.recover_s) == (
        9.0,
        42.0,
        135.0,
        150.0,
        21.0,
    )
    assert s.first_revert_by == "responder"
    assert s.hypothesis is not None and s.hypothesis.by == "alice"
    assert s.verdict is not None and not s.verdict.matched
    kinds = [r.kind for r in s.remarks]
    assert kinds == ["checklist", "page", "checklist", "decision", "note"]


def test_a_team_leads_judgement_overrides_drillctls_verdict() -> None:
    events = with_events(
        load("interactive"),
        (
            "2026-03-03T15:10:00Z",
            "hypothesis.verdict",
            {"matched": True, "keywords_hit": [], "by": "bob"},
        ),
    )
    verdict = summarize(events).verdict
    assert verdict is not None and verdict.matched and verdict.by == "bob"


def test_latest_verdict_wins_even_when_it_says_incorrect() -> None:
    events = with_events(
        load("blind"),
        ("2026-03-08T11:00:00Z", "hypothesis.verdict", {"matched": False, "by": "erin"}),
    )
    assert summarize(events).verdict.matched is False  # type: ignore[union-attr]


def test_interactive_run_without_hypothesis_is_not_a_pass() -> None:
    s = summarize(without(load("interactive"), "responder.hypothesis"))
    assert s.result == "incomplete"
    assert s.issues == ["the responder stated no hypothesis"]
    assert s.durations.hypothesis_s is None and s.hypothesis is None


def test_unacknowledged_interactive_run_is_not_a_pass() -> None:
    s = summarize(without(load("interactive"), "responder.ack"))
    assert s.result == "incomplete" and s.issues == ["the responder never acknowledged"]
    assert s.engine_result == "passed" and s.exit_code == 0


def test_failed_run_keeps_which_expectations_failed() -> None:
    s = summarize(load("failed"))
    assert (s.result, s.exit_code) == ("failed", 1)
    assert [e.name for e in s.expectations if not e.passed] == [
        "symptom",
        "alert:BetSettledQueueBacklog",
    ]
    assert s.durations.detect_s is None and s.at.symptom is None and s.alerts == []


def test_aborted_instant_fault_has_nothing_to_revert_and_recovers_from_the_symptom() -> None:
    s = summarize(load("aborted"))  # FLUSHDB: the guardrail's revert could put nothing back
    assert (s.result, s.exit_code, s.first_revert_by) == ("aborted", 3, "guardrail")
    assert s.durations.nothing_to_revert and s.durations.mitigate_from is None
    assert (s.durations.detect_s, s.durations.mitigate_s, s.durations.recover_s) == (
        7.0,
        None,
        42.0,
    )


def test_revert_failed_run_says_what_to_do() -> None:
    s = summarize(load("revert-failed"))
    assert (s.result, s.exit_code) == ("revert-failed", 4)
    fault = s.faults[0]
    assert fault.revert_error is not None and "port is already allocated" in fault.revert_error
    assert (
        fault.todo
        == "free port 18080, then run: drillctl recover 20260306-160000-signin-failure-spike-9d21"
    )
    assert s.durations.recover_s is None and s.at.recovered is None


def test_not_steady_run_injected_nothing_and_has_no_durations() -> None:
    s = summarize(load("not-steady"))
    assert (s.result, s.exit_code) == ("not-steady", 5)
    assert s.at.injected is None and s.durations.detect_s is None and s.durations.mitigate_s is None
    assert s.faults == []


def test_blind_drill_reveals_the_scenario_and_counts_hints() -> None:
    s = summarize(load("blind"))
    assert s.blind and s.scenario == "bullmq-backpressure" and s.seed == 4242
    assert s.reveal is not None and s.reveal.at.isoformat() == "2026-03-08T10:09:31+00:00"
    assert [(h.text, h.by) for h in s.hints] == [
        ("look at the queues, not only at the API", "dave")
    ]
    d = s.durations
    assert d.hypothesis_s == 390.0 and d.hypothesis_within_target is True
    assert d.hints_before_hypothesis == 1
    assert d.hypothesis_unaided_s == 240.0  # symptom 10:01:00, first hint 10:05:00
    assert d.hypothesis_without_hints_s is None  # the hypothesis came after a hint
    assert s.verdict is not None and s.verdict.by == "dave" and s.verdict.matched  # gm.verdict


def test_blind_hypothesis_before_any_hint_counts_as_without_hints() -> None:
    events = [  # the hint comes at 10:08:30, after the hypothesis (10:07:30)
        e.model_copy(update={"ts": e.ts.replace(minute=8, second=30)}) if e.type == "gm.hint" else e
        for e in load("blind")
    ]
    d = summarize(events).durations
    assert (d.hints_before_hypothesis, d.hypothesis_without_hints_s, d.hypothesis_unaided_s) == (
        0,
        390.0,
        390.0,
    )


def test_hypothesis_over_the_ten_minute_target_is_flagged() -> None:
    events = [
        e.model_copy(update={"ts": e.ts.replace(minute=14)})
        if e.type == "responder.hypothesis"
        else e
        for e in load("interactive")
    ]
    d = summarize(events).durations
    assert d.hypothesis_s == 795.0 and d.hypothesis_within_target is False


def test_journal_without_end_is_unfinished() -> None:
    s = summarize(without(load("passed-unattended"), "run.ended"))
    assert s.result == "unfinished" and s.exit_code is None


def test_unknown_event_types_are_kept_out_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    lines = (JOURNALS / "passed-unattended.jsonl").read_text(encoding="utf-8").splitlines()
    unknown = '{"seq": 99, "ts": "2026-03-02T10:03:00Z", "mono": 0, "type": "future.thing"}'
    path.write_text("\n".join([*lines[:-1], unknown, "not json", lines[-1]]) + "\n")
    read = read_journal(path)
    assert read.unreadable == 2
    assert summarize(read.events).timeline[-1].type == "run.ended"


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_summarizes_with_a_timeline(name: str) -> None:
    s = summarize(load(name))
    assert s.timeline[0].type == "run.started" and s.timeline[-1].type == "run.ended"
    assert not any(e.type in ("sample", "traffic.stats", "phase") for e in s.timeline)


def test_summary_is_a_pure_function_of_the_events() -> None:
    events = load("interactive")
    assert summarize(events) == summarize(
        list(reversed(events))
    )  # ordered by seq, not by list order


def test_secondary_signals_do_not_time_detection() -> None:
    early = {
        "signal": "ebit_api_up",
        "value": 0.0,
        "baseline": 1.0,
        "confirmed_at": "2026-03-02T10:00:38Z",
    }
    events = with_events(load("passed-unattended"), ("2026-03-02T10:00:38Z", "symptom", early))
    assert summarize(events).durations.detect_s == 5.0  # every signal counts by default
    secondary = [
        with_data(e, primary=False)
        if e.type == "baseline" and e.data["signal"] == "ebit_api_up"
        else e
        for e in events
    ]
    assert summarize(secondary).durations.detect_s == 12.0


def test_per_signal_unavailability_is_named_and_cleared() -> None:
    events = with_events(
        load("passed-unattended"),
        (
            "2026-03-02T10:01:00Z",
            "source.unavailable",
            {"source": "prometheus", "signal": "x", "reason": "502"},
        ),
        (
            "2026-03-02T10:01:05Z",
            "source.unavailable",
            {"source": "loki", "evidence": "errs", "reason": "503"},
        ),
        ("2026-03-02T10:01:09Z", "source.available", {"source": "prometheus", "signal": "x"}),
    )
    s = summarize(events)
    assert s.unavailable_sources == {
        "jaeger": "GET http://127.0.0.1:16686/api/v3/services: connection refused",
        "loki/errs": "503",
    }
    assert "Source prometheus (signal x) unavailable: 502" in [t.text for t in s.timeline]


def test_blind_report_takes_title_and_expected_cause_from_the_reveal() -> None:
    details = {
        "title": "BullMQ backpressure",
        "severity": "P2",
        "root_cause": "the consumer was down",
        "runbook": "runbooks/bullmq-backpressure.md",
    }
    events = [
        with_data(e, scenario="bullmq-backpressure", **details) if e.type == "blind.revealed" else e
        for e in load("blind")
    ]
    s = summarize(events)
    assert (s.title, s.severity, s.root_cause) == (
        "BullMQ backpressure",
        "P2",
        "the consumer was down",
    )
    assert s.runbook == "runbooks/bullmq-backpressure.md"
