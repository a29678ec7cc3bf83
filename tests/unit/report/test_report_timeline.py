from report_helpers import load, with_events

from drillctl.report.summary import summarize


def _alert_lines(events: list) -> list[str]:
    return [e.text for e in summarize(events).timeline if e.type == "alert"]


def _alert(at: str, state: str, source: str) -> tuple[str, str, dict[str, str]]:
    return (f"2026-03-08T{at}Z", "alert", {"name": "X", "state": state, "source": source})


def test_an_alert_transition_seen_by_both_sources_is_one_line() -> None:
    base = [e for e in load("passed-unattended") if e.type != "alert"]
    events = with_events(
        base,
        _alert("10:00:40", "firing", "prometheus"),
        _alert("10:00:41", "firing", "alertmanager"),
        _alert("10:01:40", "resolved", "alertmanager"),
        _alert("10:01:41", "resolved", "prometheus"),
        _alert("10:01:50", "firing", "prometheus"),
    )
    assert _alert_lines(events) == [
        "Alert X firing (prometheus)",
        "Alert X resolved (alertmanager)",
        "Alert X firing (prometheus)",  # a real re-fire is still shown
    ]
