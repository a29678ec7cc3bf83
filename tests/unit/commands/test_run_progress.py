"""Progress lines: one readable, timestamped line per journal event that matters; the journal's
observers get each event as written (redacted), after it is durable."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drillctl.commands.progress import Progress, line_for
from drillctl.core.events import (
    Alert,
    AlertState,
    Baseline,
    Event,
    Expectation,
    FaultInjected,
    FaultInjectStarted,
    FaultReverted,
    FaultRevertStarted,
    HypothesisAuto,
    HypothesisVerdict,
    Phase,
    PhaseStarted,
    Recovered,
    RevertedBy,
    RunEnded,
    RunResult,
    Sample,
    SilenceCreated,
    SilenceExpired,
    Symptom,
    TrafficStats,
)
from drillctl.core.journal import Journal
from drillctl.core.redact import Redactor

AT = datetime(2026, 12, 7, 15, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event", "line"),
    [
        (PhaseStarted(phase=Phase.BASELINE), "15:04:05 phase baseline"),
        (
            Baseline(signal="queue_waiting", centre=3.0, spread=0.5, samples=6, unit="jobs"),
            "15:04:05 baseline queue_waiting: 3 jobs ±0.5 (6 samples)",
        ),
        (
            Baseline(signal="api_up", centre=None, spread=None, samples=0),
            "15:04:05 baseline api_up: no data (0 samples)",
        ),
        (
            FaultInjectStarted(fault=0, fault_type="stop_service", plan="stop ebit-api"),
            "15:04:05 fault 0 injecting: stop ebit-api",
        ),
        (FaultInjected(fault=0), "15:04:05 fault 0 injected"),
        (
            FaultInjected(
                fault=0, effective_at="2026-12-07T15:04:07.25Z", took="ebit-api took 2 s"
            ),
            "15:04:05 fault 0 injected, effective at 15:04:07 (ebit-api took 2 s)",
        ),
        (
            Symptom(signal="queue_waiting", value=40.0, baseline=3.0, rule="above 3x baseline"),
            "15:04:05 symptom queue_waiting: 40 (baseline 3, above 3x baseline)",
        ),
        (Alert(name="EbitApiDown", state=AlertState.FIRING), "15:04:05 alert firing: EbitApiDown"),
        (
            Alert(name="EbitApiDown", state=AlertState.FIRING, silenced=True),
            "15:04:05 alert firing: EbitApiDown (silenced)",
        ),
        (
            Alert(name="EbitApiDown", state=AlertState.RESOLVED),
            "15:04:05 alert resolved: EbitApiDown",
        ),
        (
            Alert(name="BetsLost", state=AlertState.FIRING, source="alertmanager"),
            "15:04:05 alert firing: BetsLost (alertmanager)",
        ),
        (
            Alert(name="BetsLost", state=AlertState.FIRING, source="prometheus", silenced=True),
            "15:04:05 alert firing: BetsLost (prometheus, silenced)",
        ),
        (
            Symptom(signal="credit_rate", value=None, baseline=5.22, rule="<= baseline x0.2"),
            "15:04:05 symptom credit_rate: no data (baseline 5.22, <= baseline x0.2)",
        ),
        (HypothesisAuto(text="ebit-api is down"), "15:04:05 hypothesis: ebit-api is down"),
        (
            HypothesisVerdict(matched=True, keywords_hit=["ebit-api"]),
            "15:04:05 hypothesis matches the fault (ebit-api)",
        ),
        (
            FaultRevertStarted(fault=0, by=RevertedBy.ENGINE),
            "15:04:05 fault 0 reverting (by engine)",
        ),
        (FaultReverted(fault=0), "15:04:05 fault 0 reverted"),
        (
            Recovered(signal="queue_waiting", value=2.0, baseline=3.0),
            "15:04:05 recovered queue_waiting: 2 (baseline 3)",
        ),
        (
            Expectation(name="symptom", passed=False, detail="no signal within 20s"),
            "15:04:05 expectation symptom: FAIL: no signal within 20s",
        ),
        (Expectation(name="recovery", passed=True), "15:04:05 expectation recovery: PASS"),
        (
            RunEnded(result=RunResult.FAILED, exit_code=1, reason="an expectation failed"),
            "15:04:05 result failed (exit 1): an expectation failed",
        ),
        (
            SilenceCreated(id="abc", ends_at="2026-12-07T15:30:00.5+00:00"),
            "15:04:05 silence abc created, ends by 15:30:00",
        ),
        (SilenceExpired(id="abc"), "15:04:05 silence abc expired"),
        (
            SilenceExpired(id="abc", error="HTTP 500"),
            "15:04:05 silence abc NOT expired: HTTP 500",
        ),
    ],
)
def test_each_step_reads_as_one_timestamped_line(event: Event, line: str) -> None:
    assert line_for(event.model_copy(update={"ts": AT})) == line


@pytest.mark.parametrize("event", [Sample(signal="x", value=1.0), TrafficStats(sent=10, ok=10)])
def test_events_that_do_not_matter_in_a_log_have_no_line(event: Event) -> None:
    assert line_for(event) is None


def test_quiet_keeps_only_the_result() -> None:
    assert line_for(PhaseStarted(phase=Phase.INJECT), quiet=True) is None
    ended = RunEnded(result=RunResult.PASSED, exit_code=0, reason="ok", ts=AT)
    assert line_for(ended, quiet=True) == "15:04:05 result passed (exit 0): ok"


def test_the_journal_feeds_its_observers_each_event_as_written(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.add("s3cret-token")
    stream = io.StringIO()
    with Journal(tmp_path / "journal.jsonl", redactor=redactor) as journal:
        journal.observers.append(Progress(stream))
        journal.append(PhaseStarted(phase=Phase.BASELINE))
        journal.append(Sample(signal="x", value=1.0))
        journal.append(HypothesisAuto(text="token s3cret-token leaked"))
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "phase baseline",
        f"hypothesis: token {redactor.redact('s3cret-token')} leaked",
    ]
    assert "s3cret-token" not in stream.getvalue()


def test_a_closed_stderr_does_not_stop_the_drill(tmp_path: Path) -> None:
    stream = io.StringIO()
    stream.close()
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.observers.append(Progress(stream))
        written = journal.append(PhaseStarted(phase=Phase.BASELINE))
    assert written.seq == 1
