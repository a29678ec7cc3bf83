"""Detection on series recorded from real lab journals (tests/fixtures/detect/, see each file's
``run.started`` note): the marks and the words of each case of issue #16."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from drillctl.core.journal import Event, read_journal
from drillctl.core.timeconv import parse_rfc3339
from drillctl.observe.baseline import compute_baseline, no_data_words, rule_problems
from drillctl.observe.detect import Detector, describe_rule
from drillctl.report.chart import gaps, signal_series
from drillctl.report.slack import render_slack
from drillctl.report.summary import summarize
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.model import Signal, SymptomRule

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "detect"
STOP = "bullmq-stop-api.jsonl"  # ebit-api stopped: the queue backs up, credits stop
NOT_READY = "bullmq-lab-not-ready.jsonl"  # exporters just restarted: no queue data, no credits

Series = list[tuple[datetime, float | None]]


def events(name: str) -> list[Event]:
    read = read_journal(FIXTURES / name)
    assert read.unreadable == 0
    return list(read.events)


def phase_at(evs: list[Event], phase: str) -> datetime:
    return next(e.ts for e in evs if e.type == "phase" and e.data.get("phase") == phase)


def samples(evs: list[Event], signal: str) -> Series:
    return [
        (parse_rfc3339(str(e.data["at"])), e.data["value"])
        for e in evs
        if e.type == "sample" and e.data.get("signal") == signal
    ]


def split(evs: list[Event], signal: str) -> tuple[Series, Series]:
    """(baseline samples, samples from the injection on); a refused run never injected."""
    injected = [e.ts for e in evs if e.type == "phase" and e.data.get("phase") == "inject"]
    series = samples(evs, signal)
    if not injected:
        return series, []
    return [s for s in series if s[0] < injected[0]], [s for s in series if s[0] >= injected[0]]


def bullmq_signal(name: str) -> Signal:
    scenario = Catalog(None).load("bullmq-backpressure").scenario
    return next(s for s in scenario.signals if s.name == name)


def replay(signal: Signal, name: str = STOP) -> tuple[Detector, list]:
    evs = events(name)
    before, after = split(evs, signal.name)
    detector = Detector(signal.symptom, compute_baseline(v for _, v in before))
    return detector, [m for at, v in after if (m := detector.feed(at, v))]


def test_a_baseline_without_samples_has_no_baseline_and_says_so() -> None:
    signal = bullmq_signal("queue_waiting")
    before, _ = split(events(NOT_READY), signal.name)
    baseline = compute_baseline(v for _, v in before)
    assert not baseline.measured and baseline.missing == len(before) == 11
    assert no_data_words(baseline).startswith("no data during the baseline (0 numeric samples")
    assert describe_rule(signal.symptom, baseline).endswith("(no data during the baseline) for 5s")
    # a primary signal whose rule is relative only cannot mark anything: refused before injection
    [problem] = rule_problems(signal, baseline)
    assert problem.startswith("signal queue_waiting: no data during the baseline")
    assert problem.endswith("its rule is relative only")


def test_a_factor_of_a_zero_baseline_is_refused_not_an_instant_symptom() -> None:
    signal = bullmq_signal("credit_rate")  # factor 0.2, down; no credits while the lab restarted
    before, _ = split(events(NOT_READY), signal.name)
    baseline = compute_baseline(v for _, v in before)
    assert baseline.measured and baseline.centre == 0
    assert rule_problems(signal, baseline) == [
        "signal credit_rate: factor x0.2 of a zero baseline centre is 0: the rule cannot tell a "
        "symptom from normal (use delta or an absolute threshold)"
    ]


def test_below_a_value_the_baseline_never_reached_is_refused() -> None:
    # api_up as recorded while ebit-api was down: 0 at every sample, `below 1` always true
    signal = bullmq_signal("api_up")
    _, during = split(events(STOP), signal.name)
    down = [v for at, v in during if at < phase_at(events(STOP), "revert")]
    baseline = compute_baseline(down)
    assert baseline.measured and baseline.high == 0
    [problem] = rule_problems(signal, baseline)
    assert problem.startswith("signal api_up: below 1 is always true: the baseline never reached")


def test_the_spread_is_floored_at_the_signals_resolution() -> None:
    # the recorded queue depth (whole jobs): one spike of 3 in a flat baseline is not "± 0"
    before, _ = split(events(STOP), "queue_waiting")
    flat_with_a_spike = [0.0 if v != 3.0 else v for _, v in before]
    assert compute_baseline(flat_with_a_spike).spread == 3.0
    assert compute_baseline([0.0] * 10).spread == 0.0  # really flat stays flat


def test_the_onset_marks_the_backlog_before_the_rules_hold() -> None:
    _, marks = replay(bullmq_signal("queue_waiting"))
    onset, symptom = marks[0], marks[1]
    assert (onset.kind, onset.evidence, onset.value) == ("onset", "change-point", 9.0)
    assert symptom.kind == "symptom" and symptom.detected_at == onset.confirmed_at
    # the rule (baseline +20) first broke at 22 jobs, and the onset came before
    assert symptom.value == 22.0 and symptom.detected_at < symptom.first_at
    assert symptom.evidence == "change-point"


def test_a_series_that_disappears_is_no_data_evidence_and_a_gap() -> None:
    signal = bullmq_signal("credit_rate")
    detector, marks = replay(signal)
    symptom = next(m for m in marks if m.kind == "symptom")
    assert symptom.value is not None  # the drop itself confirmed the symptom...
    evs = events(STOP)
    _, after = split(evs, signal.name)
    absent = [at for at, v in after if v is None]
    assert absent and detector.state == "symptomatic"  # (credits were still climbing back)
    # the chart draws the absence as a gap from the first empty poll to the next value
    [(start, end)] = gaps(signal_series(evs)["credit_rate"])
    assert start == absent[0] and end > absent[-1]


def test_absence_alone_is_evidence_of_a_symptom() -> None:
    # the same recorded baseline, then the producer gone from the first poll
    evs = events(STOP)
    before, after = split(evs, "credit_rate")
    rule = SymptomRule.model_validate({"factor": 0.2, "direction": "down", "for": "5s"})
    detector = Detector(rule, compute_baseline(v for _, v in before))
    marks = [m for at, _ in after[:8] if (m := detector.feed(at, None))]
    # two empty polls in a row: the onset and the symptom at once (one mark, the symptom)
    assert [(m.kind, m.evidence, m.value) for m in marks] == [("symptom", "no data", None)]
    assert marks[0].detected_at == marks[0].confirmed_at == after[1][0]
    assert marks[0].first_at == after[0][0]


def test_a_drop_is_a_low_and_a_rise_a_peak_in_the_reports() -> None:
    summary = summarize(events(STOP))
    words = {s.name: s.extreme_word for s in summary.signals}
    assert words["credit_rate"] == "low" and words["queue_waiting"] == "peak"
    slack = render_slack(summary)
    assert "credit_rate: baseline 4.6 bets/s → low " in slack
    assert "queue_waiting: baseline 2 jobs → peak " in slack


def test_the_detect_mark_is_what_the_report_times() -> None:
    evs = events(STOP)
    summary = summarize(evs)
    first = next(e for e in evs if e.type == "symptom" and e.data["signal"] == "queue_waiting")
    assert summary.at.symptom == parse_rfc3339(str(first.data["detected_at"]))
    assert summary.durations.detect_s == (summary.at.symptom - summary.at.injected) / timedelta(
        seconds=1
    )


WS = "ws-storm-throttled.jsonl"  # 200 clients handshaking 60/s: the throttler rejects them
SIGNIN = "signin-wrong-password.jsonl"  # ebit-api recreated with a wrong admin password


def seed_signal(scenario: str, name: str) -> Signal:
    found = Catalog(None).load(scenario).scenario
    return next(s for s in found.signals if s.name == name)


def effective_at(evs: list[Event]) -> datetime:
    injected = next(e for e in evs if e.type == "fault.injected")
    return parse_rfc3339(str(injected.data["effective_at"]))


def first_firing(evs: list[Event], alert: str) -> datetime:
    return next(
        e.ts
        for e in evs
        if e.type == "alert" and e.data.get("name") == alert and e.data.get("state") == "firing"
    )


def test_the_first_sample_that_breaks_is_the_detect_mark_and_the_second_confirms() -> None:
    evs = events(WS)
    _, marks = replay(seed_signal("ws-handshake-storm", "handshakes_throttled"), WS)
    onset, symptom = marks[0], marks[1]
    assert (onset.kind, onset.evidence, round(onset.value, 2)) == ("onset", "change-point", 5.58)
    assert symptom.kind == "symptom" and round(symptom.value, 2) == 11.66
    assert symptom.first_at == onset.confirmed_at == symptom.detected_at < symptom.confirmed_at
    # the mark the report times detection with: before the alert Prometheus fired
    assert effective_at(evs) < symptom.detected_at < first_firing(evs, "WsHandshakesThrottled")


def test_the_first_failed_sign_in_is_the_signin_drills_detect_mark() -> None:
    evs = events(SIGNIN)
    _, marks = replay(seed_signal("signin-failure-spike", "signin_failures"), SIGNIN)
    onset, symptom = marks[0], marks[1]
    assert onset.kind == "onset" and round(onset.value, 3) == 0.103  # one failure in 10 s
    assert symptom.kind == "symptom" and symptom.detected_at == onset.confirmed_at
    assert symptom.detected_at < first_firing(evs, "AdminSignInFailureSpike")
    # the ratio still held the successes of before the recreate: 0.32 did not break > 0.5
    _, ratio = replay(seed_signal("signin-failure-spike", "signin_failure_ratio"), SIGNIN)
    assert ratio[0].confirmed_at > onset.confirmed_at


def test_a_lone_spike_is_an_onset_withdrawn_never_a_symptom() -> None:
    signal = seed_signal("ws-handshake-storm", "handshakes_throttled")
    before, _ = split(events(WS), signal.name)
    detector = Detector(signal.symptom, compute_baseline(v for _, v in before))
    spiked = [(at, 5.0 if i == 3 else v) for i, (at, v) in enumerate(before)]
    marks = [m for at, v in spiked if (m := detector.feed(at, v))]
    assert [m.kind for m in marks] == ["onset"]  # live at the spike, withdrawn at the next 0
    assert detector.onset_at is None and detector.state == "normal"
    # one more lone breach later is a fresh onset again, not a symptom on the old evidence
    late = before[-1][0] + timedelta(seconds=1)
    mark = detector.feed(late, 5.0)
    assert mark is not None and mark.kind == "onset" and detector.state == "normal"
