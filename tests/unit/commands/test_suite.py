"""The suite without Docker: order, settling, stop rules, exit codes, regressions, the lab's
lifecycle and the reports, with a scripted drill and a recording settler."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from test_suite_fakes import (
    T0,
    FakeLab,
    RecordingSettler,
    ScriptedDrill,
    builtins,
    context,
    summary,
)

from drillctl.commands.regression import Tolerance
from drillctl.commands.suite import SuiteOptions, lab_context, run_suite
from drillctl.commands.suite_report import (
    Settled,
    render_junit,
    render_slack,
    suite_data,
    worst_exit,
    write_suite_reports,
)
from drillctl.core.errors import LockError
from drillctl.report import history

NAMES = ("bullmq-backpressure", "redis-cache-flush", "signin-failure-spike", "ws-handshake-storm")
OPTIONS = SuiteOptions(operator="ci")


def suite(tmp_path: Path, drill: ScriptedDrill, options: SuiteOptions = OPTIONS, **kw: object):
    settler = kw.pop("settler", RecordingSettler())
    ctx = kw.pop("ctx", context(tmp_path))
    result = run_suite(
        ctx,  # type: ignore[arg-type]
        builtins(*kw.pop("names", NAMES)),  # type: ignore[arg-type]
        options,
        tmp_path / "out",
        drill=drill,
        settler_factory=lambda *_: settler,  # type: ignore[arg-type,return-value]
        **kw,  # type: ignore[arg-type]
    )
    return result, settler


def scripted(*codes: int) -> ScriptedDrill:
    return ScriptedDrill({n: [summary(n, c)] for n, c in zip(NAMES, codes, strict=False)})


def test_runs_every_scenario_in_order_unattended_settling_before_each(tmp_path: Path) -> None:
    drill = scripted(0, 0, 0, 0)
    result, settler = suite(tmp_path, drill)
    assert [r.name for r in result.runs] == list(NAMES)
    assert result.exit_code == 0 and result.result == "passed"
    assert [(b, n) for b, n, _ in settler.calls] == [
        (None, NAMES[0]),
        (NAMES[0], NAMES[1]),
        (NAMES[1], NAMES[2]),
        (NAMES[2], NAMES[3]),
    ]
    requests = [request for _, request in drill.calls]
    assert all(not r.interactive and r.operator == "ci" for r in requests)
    assert result.runs[0].settle == Settled(NAMES[0], 3.0, True)
    assert result.wall_s == 4 * 90


def test_runs_do_not_post_their_own_timeline_inside_a_suite(tmp_path: Path) -> None:
    drill = scripted(0, 0, 0, 0)
    suite(tmp_path, drill, ctx=context(tmp_path, webhook="https://hooks.slack.com/services/T/B/x"))
    assert all(ctx.settings.notify.slack_webhook is None for ctx, _ in drill.calls)
    assert all(r.slack_webhook is None for _, r in drill.calls)


@pytest.mark.parametrize(
    ("codes", "worst"),
    [
        ([0, 0], 0),
        ([0, 1], 1),
        ([1, 5], 5),
        ([5, 3, 1], 3),
        ([3, 2, 5], 2),
        ([2, 4, 0], 4),
        ([], 0),
        ([70], 2),
    ],
)
def test_worst_exit_order_is_4_2_3_5_1_0(codes: list[int], worst: int) -> None:
    assert worst_exit(codes) == worst


def test_a_failure_lets_the_others_run_and_the_worst_code_wins(tmp_path: Path) -> None:
    result, _ = suite(tmp_path, scripted(1, 5, 0, 1))
    assert [r.exit_code for r in result.runs] == [1, 5, 0, 1]
    assert result.exit_code == 5 and result.stopped is None and result.skipped == []


def test_a_revert_failure_stops_the_suite_at_once(tmp_path: Path) -> None:
    result, settler = suite(tmp_path, scripted(0, 4, 0, 0))
    assert [r.name for r in result.runs] == list(NAMES[:2])
    assert result.skipped == list(NAMES[2:])
    assert result.exit_code == 4
    assert "a revert failed (exit 4)" in (result.stopped or "")
    assert len(settler.calls) == 2  # nothing else was even settled for


def test_an_interrupted_drill_stops_the_suite(tmp_path: Path) -> None:
    drill = scripted(0, 0, 0, 0)
    drill.script[NAMES[1]] = [
        summary(NAMES[1], 3, reason="interrupted (SIGINT/SIGTERM); faults reverted")
    ]
    result, _ = suite(tmp_path, drill)
    assert result.exit_code == 3 and result.skipped == list(NAMES[2:])
    assert "interrupted" in (result.stopped or "")


def test_a_guardrail_abort_does_not_stop_the_suite(tmp_path: Path) -> None:
    result, _ = suite(tmp_path, scripted(3, 0, 0, 0))
    assert len(result.runs) == 4 and result.exit_code == 3 and result.stopped is None


def test_a_drill_refused_before_the_engine_counts_as_exit_2_and_the_suite_goes_on(
    tmp_path: Path,
) -> None:
    drill = scripted(0, 0, 0, 0)
    drill.script[NAMES[0]] = [LockError("another drill holds the lock on ebit-lab")]
    result, _ = suite(tmp_path, drill)
    assert [r.exit_code for r in result.runs] == [2, 0, 0, 0] and result.exit_code == 2
    junit = ET.fromstring(render_junit(result))
    first = junit.find("testsuite")
    assert first is not None and first.get("errors") == "1"
    error = first.find("testcase/error")
    assert error is not None and "holds the lock" in (error.get("message") or "")


def test_ctrl_c_while_settling_stops_and_the_lab_still_comes_down(tmp_path: Path) -> None:
    def interrupt(name: str) -> Settled:
        if name == NAMES[2]:
            raise KeyboardInterrupt
        return Settled(name, 1.0, True)

    lab = FakeLab()
    result, _ = suite(
        tmp_path, scripted(0, 0, 0, 0), settler=RecordingSettler(answer=interrupt), lab=lab
    )
    assert [r.name for r in result.runs] == list(NAMES[:2])
    assert result.skipped == list(NAMES[2:]) and result.exit_code == 3
    assert result.stopped and "interrupted" in result.stopped
    assert lab.events == ["down volumes=True", "up smoke=True", "down volumes=True"]


def test_ctrl_c_while_the_lab_comes_up_reports_every_scenario_as_not_run(tmp_path: Path) -> None:
    lab = FakeLab(fail_up=KeyboardInterrupt())
    result, _ = suite(tmp_path, scripted(0, 0, 0, 0), lab=lab)
    assert result.runs == [] and result.skipped == list(NAMES)
    assert result.exit_code == 3
    assert lab.events == ["down volumes=True", "up smoke=True", "down volumes=True"]


def test_a_lab_that_does_not_come_up_is_taken_down_and_its_error_raised(tmp_path: Path) -> None:
    from drillctl.core.errors import TargetError

    lab = FakeLab(fail_up=TargetError("the lab did not come up"))
    with pytest.raises(TargetError):
        suite(tmp_path, scripted(0, 0, 0, 0), lab=lab)
    assert lab.events == ["down volumes=True", "up smoke=True", "down volumes=True"]


def test_the_lab_is_the_target_and_the_first_settle_holds_longer(tmp_path: Path) -> None:
    drill = scripted(0, 0)
    lab = FakeLab()
    ctx = lab_context(context(tmp_path), lab)
    result, settler = suite(tmp_path, drill, lab=lab, names=NAMES[:2], ctx=ctx)
    ctx = drill.calls[0][0]
    assert ctx.settings.project.name == "ebit-suite"
    assert ctx.settings.sources.prometheus == "http://127.0.0.1:29090"
    assert ctx.settings.vars["gateway_url"] == "http://127.0.0.1:18080"
    assert [hold for *_, hold in settler.calls] == [OPTIONS.lab_hold, OPTIONS.settle_hold]
    assert result.target == "ebit-suite" and result.lab_seconds is not None


def test_lab_context_keeps_a_gateway_url_the_user_set(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    ctx.settings = ctx.settings.model_copy(update={"vars": {"gateway_url": "http://gw:1"}})
    assert lab_context(ctx, FakeLab()).settings.vars["gateway_url"] == "http://gw:1"


def _seed(tmp_path: Path, runs: int = 3) -> None:
    """History as a CI job restores it: `history import` of an export file."""
    lines = []
    for i in range(runs):
        old = summary(NAMES[3], 0, run_id=f"old-{i}", started=T0 - timedelta(days=i + 1))
        lines.append(
            json.dumps(
                {
                    "schema": history.EXPORT_SCHEMA,
                    **history.record_of(old).model_dump(mode="json"),
                }
            )
        )
    export = tmp_path / "history.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    history.import_(context(tmp_path).history_db, export)


def test_a_lost_alert_is_a_regression_and_fails_the_suite_only_when_asked(tmp_path: Path) -> None:
    _seed(tmp_path)
    drill = ScriptedDrill({NAMES[3]: [summary(NAMES[3], 0, alerts={})]})
    result, _ = suite(tmp_path, drill, names=NAMES[3:])
    assert result.exit_code == 0
    (regression,) = result.regressions
    assert regression.metric == "alert:WsHandshakesThrottled" and regression.kind == "missing"
    assert result.runs[0].compared_with == 3

    drill = ScriptedDrill({NAMES[3]: [summary(NAMES[3], 0, alerts={}, run_id="again")]})
    options = SuiteOptions(operator="ci", fail_on_regression=True)
    result, _ = suite(tmp_path, drill, options, names=NAMES[3:])
    assert result.exit_code == 1 and result.result == "failed"
    junit = ET.fromstring(render_junit(result))
    case = junit.find("testsuite/testcase[@name='regression:alert:WsHandshakesThrottled']")
    assert case is not None and case.find("failure") is not None
    assert junit.get("failures") == "1"


def test_a_regression_never_hides_a_worse_exit_code(tmp_path: Path) -> None:
    _seed(tmp_path)
    drill = ScriptedDrill({NAMES[3]: [summary(NAMES[3], 5, alerts={})]})
    options = SuiteOptions(operator="ci", fail_on_regression=True)
    result, _ = suite(tmp_path, drill, options, names=NAMES[3:])
    assert result.exit_code == 5 and result.regressions == []  # not judged: nothing compared


def test_slower_detection_within_tolerance_is_not_flagged(tmp_path: Path) -> None:
    _seed(tmp_path)
    drill = ScriptedDrill({NAMES[3]: [summary(NAMES[3], 0, detect=5.0)]})
    options = SuiteOptions(operator="ci", tolerance=Tolerance(default=0.5))
    result, _ = suite(tmp_path, drill, options, names=NAMES[3:])
    assert result.regressions == []


def test_reports_junit_json_and_slack(tmp_path: Path) -> None:
    result, _ = suite(tmp_path, scripted(0, 1, 0, 0))
    paths = write_suite_reports(
        result, tmp_path / "out", junit=tmp_path / "ci/junit.xml", json_file=tmp_path / "s.json"
    )
    junit = ET.parse(tmp_path / "ci/junit.xml").getroot()
    assert [s.get("name") for s in junit.findall("testsuite")] == list(NAMES)
    assert junit.get("tests") == "4" and junit.get("failures") == "1"
    props = {p.get("name"): p.get("value") for p in junit.findall("testsuite[1]/properties/")}
    assert props["time_to_detect_s"] == "4.0" and props["settle_s"] == "3.0"
    assert props["alert.WsHandshakesThrottled.latency_s"] == "8.0"
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data == suite_data(result)
    assert data["schema"] == "drillctl.suite/1" and data["exit_code"] == 1
    assert data["scenarios"][1]["expectations"][0] == {
        "name": "symptom",
        "passed": False,
        "detail": "symptom within 30s",
    }
    assert data["scenarios"][0]["durations"]["detect_s"] == 4.0
    assert paths["json"].read_text(encoding="utf-8") == (tmp_path / "s.json").read_text("utf-8")
    slack = render_slack(result)
    lines = slack.splitlines()
    assert lines[0].startswith("*Chaos drill suite on ebit-lab: FAILED* (3/4 passed in 6m")
    assert len(lines) == 5 and all(name in slack for name in NAMES)
    assert "detect 4s" in lines[1] and "WsHandshakesThrottled 8s" in lines[1]


def test_the_slack_text_escapes_and_stays_within_the_limit(tmp_path: Path) -> None:
    result, _ = suite(tmp_path, scripted(1), names=NAMES[:1])
    result.stopped = "<!channel> " + "x" * 5000
    text = render_slack(result)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and len(text) <= 3900


def test_sigterm_between_drills_interrupts_and_the_handlers_are_restored() -> None:
    import os
    import signal

    from drillctl.commands.suite import interruptible

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"), interruptible():
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_lab_already_running_is_used_as_it_is_and_a_stopped_one_starts_clean(
    tmp_path: Path,
) -> None:
    running = FakeLab(running=True)
    suite(tmp_path, scripted(0), names=NAMES[:1], lab=running)
    assert running.events == ["up smoke=True", "down volumes=True"]
    stopped = FakeLab()
    suite(tmp_path / "again", scripted(0), names=NAMES[:1], lab=stopped)
    assert stopped.events == ["down volumes=True", "up smoke=True", "down volumes=True"]


def test_each_drill_prints_its_progress_on_stderr_and_quiet_keeps_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from drillctl.core.events import Phase, PhaseStarted, RunEnded, RunResult

    at = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    phase = PhaseStarted(phase=Phase.INJECT, ts=at)
    ended = RunEnded(result=RunResult.PASSED, exit_code=0, reason="ok", ts=at)
    for quiet, lines in ((False, ["15:00:00 phase inject"]), (True, [])):
        drill = scripted(0, 0, 0, 0)
        suite(tmp_path / str(quiet), drill, SuiteOptions(operator="ci", quiet=quiet))
        progress = drill.calls[0][1].progress
        assert progress is not None
        progress(phase)
        progress(ended)
        assert capsys.readouterr().err.splitlines() == [
            *lines,
            "15:00:00 result passed (exit 0): ok",
        ]
