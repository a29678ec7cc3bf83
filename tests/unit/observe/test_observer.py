from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from observe_fakes import FakeSource, events, make_scenario

from drillctl.core.clock import FakeClock
from drillctl.core.journal import Journal
from drillctl.observe.base import ActiveAlert, QueryError
from drillctl.observe.observer import Observer
from drillctl.scenario.model import Invariant, Signal

QUEUE = {
    "name": "queue_waiting",
    "source": "prometheus",
    "query": 'sum(bullmq_queue_jobs{state="waiting"})',
    "symptom": {"factor": 3, "for": "3s"},
}


def step_at(
    clock: FakeClock, after_s: float, before: float, after: float, until_s: float = 1e9
) -> Any:
    start = clock.now()

    def value(at: datetime) -> float:
        elapsed = (at - start).total_seconds()
        return after if after_s <= elapsed < until_s else before

    return value


def observer(
    scenario: Any, sources: dict[str, Any], journal: Journal, clock: FakeClock, **kw: Any
) -> Observer:
    return Observer(scenario, sources, journal, clock, poll_interval=1.0, **kw)


async def poll_for(obs: Observer, clock: FakeClock, seconds: int) -> None:
    for _ in range(seconds):
        await obs.poll_once()
        clock.advance(1)


def test_baseline_is_journalled_per_signal(journal: Journal, clock: FakeClock) -> None:
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 5.0})
    obs = observer(make_scenario([QUEUE]), {"prometheus": prom}, journal, clock)
    report = asyncio.run(obs.collect_baseline(timedelta(seconds=10)))
    assert report.steady and report.no_data == []
    assert report.baselines["queue_waiting"].centre == 5
    [baseline] = events(journal, "baseline")
    assert baseline["signal"] == "queue_waiting" and baseline["samples"] == 11
    assert baseline["primary"] is True  # reports time detection on primary signals only
    assert len(events(journal, "sample")) == 11


def test_symptom_marks_first_breach_and_confirmation_then_recovery(
    journal: Journal, clock: FakeClock
) -> None:
    rule = QUEUE | {"symptom": {"factor": 3, "for": "3s", "tolerance": 2}}
    value = step_at(clock, after_s=20, before=5, after=100, until_s=40)
    obs = observer(
        make_scenario([rule]),
        {"prometheus": FakeSource("prometheus", {"queue_waiting": value})},
        journal,
        clock,
    )
    start = clock.now()
    asyncio.run(obs.collect_baseline(timedelta(seconds=10)))
    clock.advance(1)
    asyncio.run(poll_for(obs, clock, 50))
    [symptom] = events(journal, "symptom")
    assert symptom["first_breach_at"] == (start + timedelta(seconds=20)).isoformat()
    # a step of 95 on a flat baseline: the first sample that breaks is an onset (the detect
    # mark), the second confirms the symptom, before the rule's 3 s hold would have
    [onset] = events(journal, "onset")
    assert onset["at"] == (start + timedelta(seconds=20)).isoformat()
    assert symptom["confirmed_at"] == (start + timedelta(seconds=21)).isoformat()
    assert symptom["detected_at"] == onset["at"]
    assert symptom["evidence"] == "change-point"
    assert symptom["baseline"] == 5 and symptom["value"] == 100
    assert "baseline x3" in symptom["rule"]
    [recovered] = events(journal, "recovered")
    assert recovered["first_normal_at"] == (start + timedelta(seconds=40)).isoformat()
    assert recovered["confirmed_at"] == (start + timedelta(seconds=43)).isoformat()
    assert obs.first_symptom_at() == start + timedelta(seconds=20)
    assert obs.all_recovered() and obs.recovered_at() == start + timedelta(seconds=40)


def test_a_symptom_during_the_baseline_is_not_steady(journal: Journal, clock: FakeClock) -> None:
    rule = QUEUE | {"symptom": {"above": 50}}
    prom = FakeSource("prometheus", {"queue_waiting": step_at(clock, 5, before=1, after=80)})
    obs = observer(make_scenario([rule]), {"prometheus": prom}, journal, clock)
    report = asyncio.run(obs.collect_baseline(timedelta(seconds=10)))
    assert not report.steady
    assert report.not_steady[0].startswith("queue_waiting: > 50 broke during the baseline")


def test_a_signal_without_data_gets_a_zero_baseline_and_is_reported(
    journal: Journal, clock: FakeClock
) -> None:
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: None})
    obs = observer(make_scenario([QUEUE]), {"prometheus": prom}, journal, clock)
    report = asyncio.run(obs.collect_baseline(timedelta(seconds=3)))
    assert report.no_data == ["queue_waiting"] and report.steady
    assert [e["value"] for e in events(journal, "sample")] == [None] * 4


def test_an_unavailable_source_is_journalled_once_retried_with_backoff_and_comes_back(
    journal: Journal, clock: FakeClock
) -> None:
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 5.0})
    obs = observer(make_scenario([QUEUE]), {"prometheus": prom}, journal, clock, max_backoff=8)
    asyncio.run(obs.collect_baseline(timedelta(seconds=2)))
    prom.down, reads = "ConnectError: connection refused", prom.reads
    asyncio.run(poll_for(obs, clock, 30))
    # asked at +0, +1, +3, +7, +15 and +23 s: the wait doubles from the poll interval, capped at 8 s
    assert prom.reads - reads == 6
    assert [e["reason"] for e in events(journal, "source.unavailable")] == [
        "ConnectError: connection refused"
    ]
    assert obs.unavailable_sources() == {"prometheus": "ConnectError: connection refused"}
    prom.down = None
    asyncio.run(poll_for(obs, clock, 10))
    assert [e["source"] for e in events(journal, "source.available")] == ["prometheus"]
    assert obs.unavailable_sources() == {}


def test_a_refused_query_backs_off_only_its_signal(journal: Journal, clock: FakeClock) -> None:
    def bad(at: datetime) -> float:
        raise QueryError("prometheus", "bad_data: parse error", "signal broken")

    other = QUEUE | {"name": "broken", "query": "sum(("}
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 5.0, "broken": bad})
    obs = observer(make_scenario([QUEUE, other]), {"prometheus": prom}, journal, clock)
    asyncio.run(poll_for(obs, clock, 5))
    [down] = events(journal, "source.unavailable")
    assert down["signal"] == "broken" and "parse error" in down["reason"]
    assert len([e for e in events(journal, "sample") if e["signal"] == "queue_waiting"]) == 5


def test_a_hanging_source_times_out_and_never_raises(journal: Journal, clock: FakeClock) -> None:
    class Hanging(FakeSource):
        async def read(self, signal: Signal, at: datetime) -> float | None:
            await asyncio.Event().wait()
            return None

    obs = observer(
        make_scenario([QUEUE]),
        {"prometheus": Hanging("prometheus")},
        journal,
        clock,
        read_timeout=0.01,
    )
    assert asyncio.run(obs.poll_once()) == []
    assert events(journal, "source.unavailable")[0]["reason"] == "no answer in time"


def test_an_unconfigured_source_is_journalled_once(journal: Journal, clock: FakeClock) -> None:
    logs = {
        "name": "errors",
        "source": "loki",
        "query": 'sum(rate({a="b"}[1m]))',
        "symptom": {"above": 1},
    }
    obs = observer(make_scenario([logs]), {}, journal, clock)
    asyncio.run(poll_for(obs, clock, 3))
    assert [e["reason"] for e in events(journal, "source.unavailable")] == ["not configured"]
    assert asyncio.run(obs.preflight()) == ["source loki: not configured"]


def test_alert_transitions_pending_firing_resolved(journal: Journal, clock: FakeClock) -> None:
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 5.0})
    am = FakeSource("alertmanager")
    obs = observer(make_scenario([QUEUE]), {"prometheus": prom, "alertmanager": am}, journal, clock)
    active = clock.now()
    pending = ActiveAlert(
        "BetSettledQueueBacklog",
        "pending",
        "prometheus",
        active,
        {"alertname": "BetSettledQueueBacklog"},
    )
    firing = ActiveAlert(
        "BetSettledQueueBacklog",
        "firing",
        "prometheus",
        active,
        {"alertname": "BetSettledQueueBacklog"},
    )
    prom.alerts = [pending]
    asyncio.run(poll_for(obs, clock, 2))
    prom.alerts = [firing]
    am.alerts = [
        ActiveAlert(
            "BetSettledQueueBacklog",
            "firing",
            "alertmanager",
            active,
            {"alertname": "BetSettledQueueBacklog"},
        )
    ]
    asyncio.run(poll_for(obs, clock, 2))
    fired_at = clock.now() - timedelta(seconds=2)
    assert obs.firing_alerts() == ["BetSettledQueueBacklog"]
    prom.alerts, am.alerts = [], []
    asyncio.run(poll_for(obs, clock, 1))
    states = [(e["source"], e["state"]) for e in events(journal, "alert")]
    assert states == [
        ("prometheus", "pending"),
        ("prometheus", "firing"),
        ("alertmanager", "firing"),
        ("prometheus", "resolved"),
        ("alertmanager", "resolved"),
    ]
    seen = obs.alerts_seen()["BetSettledQueueBacklog"]
    assert seen.first_firing_at == fired_at and seen.active_at == active
    assert seen.resolved_at is not None and seen.sources == {"prometheus", "alertmanager"}


def test_evidence_falls_back_to_compose_logs_and_skips_what_is_down(
    journal: Journal, clock: FakeClock
) -> None:
    evidence = [
        {"name": "api-errors", "source": "loki", "service": "ebit-api", "pattern": "error"},
        {"name": "spans", "source": "jaeger", "service": "ebit-api"},
    ]
    jaeger = FakeSource("jaeger")
    jaeger.down = "ReadTimeout"
    sources = {"prometheus": FakeSource("prometheus"), "logs": FakeSource("logs"), "jaeger": jaeger}
    obs = observer(make_scenario([QUEUE], evidence=evidence), sources, journal, clock)
    found = asyncio.run(obs.gather_evidence(clock.now() - timedelta(minutes=5), clock.now()))
    assert [(e.source, e.kind) for e in found] == [("logs", "log")]
    assert events(journal, "evidence")[0]["summary"] == "api-errors: 1 log lines"
    assert events(journal, "source.unavailable") == [
        {
            "source": "jaeger",
            "evidence": "spans",
            "reason": "ReadTimeout",
            "_type": "source.unavailable",
        }
    ]


def test_invariants_compare_and_never_raise(journal: Journal, clock: FakeClock) -> None:
    sql = FakeSource("sql", {"jobs-lost": lambda at: 0.0})
    obs = observer(make_scenario([QUEUE]), {"sql": sql}, journal, clock)
    inv = Invariant(name="jobs lost", source="sql", query="select 0", equals=0)
    result = asyncio.run(obs.invariant(inv))
    assert result.passed and result.value == 0 and result.expected == "== 0"
    failing = asyncio.run(obs.invariant(inv.model_copy(update={"equals": None, "above": 0})))
    assert not failing.passed and failing.detail == "0 (expected > 0)"
    sql.down = "connection refused"
    assert asyncio.run(obs.invariant(inv)).detail == "connection refused"
    missing = Invariant(name="q", source="redis", query="DBSIZE", below=10)
    assert asyncio.run(obs.invariant(missing)).detail == "source redis not configured"


def test_preflight_reports_refused_queries_before_injection(
    journal: Journal, clock: FakeClock
) -> None:
    class Prom(FakeSource):
        async def validate_queries(self, signals: list[Signal]) -> list[str]:
            return [
                f"signal {s.name}: Prometheus refused"
                for s in signals
                if s.query.startswith("sum((")
            ]

    broken = QUEUE | {"name": "broken", "query": "sum(("}
    obs = observer(
        make_scenario([QUEUE, broken]), {"prometheus": Prom("prometheus")}, journal, clock
    )
    assert asyncio.run(obs.preflight()) == ["signal broken: Prometheus refused"]
    down = Prom("prometheus")
    down.down = "ConnectError"
    obs = observer(make_scenario([QUEUE]), {"prometheus": down}, journal, clock)
    assert asyncio.run(obs.preflight()) == ["source prometheus: ConnectError"]
    obs = observer(
        make_scenario(
            [QUEUE],
            expect={"invariants": [{"name": "lost", "source": "sql", "query": "x", "equals": 0}]},
        ),
        {"prometheus": Prom("prometheus")},
        journal,
        clock,
    )
    assert obs.required_sources() == {"prometheus", "sql"}


def test_non_primary_signals_do_not_count_for_the_first_symptom(
    journal: Journal, clock: FakeClock
) -> None:
    side = QUEUE | {"name": "side", "primary": False, "symptom": {"above": 1}}
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 5.0, "side": lambda at: 9.0})
    obs = observer(make_scenario([QUEUE, side]), {"prometheus": prom}, journal, clock)
    obs.detectors.clear()
    asyncio.run(obs.collect_baseline(timedelta(seconds=0)))
    asyncio.run(poll_for(obs, clock, 3))
    assert obs.symptomatic() == ["side"]
    assert obs.first_symptom_at() is None and obs.all_recovered()


def test_only_primary_signals_make_the_baseline_not_steady(
    journal: Journal, clock: FakeClock
) -> None:
    side = QUEUE | {"name": "side", "primary": False, "symptom": {"below": 0.5}}
    # 1 then 0: the rule can mean something (the baseline reached 1) and broke during it
    dropped = step_at(clock, 2, before=1.0, after=0.0)
    prom = FakeSource("prometheus", {"queue_waiting": lambda at: 5.0, "side": dropped})
    obs = observer(make_scenario([QUEUE, side]), {"prometheus": prom}, journal, clock)
    report = asyncio.run(obs.collect_baseline(timedelta(seconds=5)))
    assert report.steady and report.skipped == []
    assert report.secondary[0].startswith("side: < 0.5 broke during the baseline")


def test_dashboard_links_leave_out_missing_titles_and_need_grafana(
    journal: Journal, clock: FakeClock
) -> None:
    class Grafana(FakeSource):
        async def links(
            self, titles: list[str], start: datetime, end: datetime
        ) -> dict[str, str | None]:
            return {t: (f"http://g/d/{t}" if t == "perf-system" else None) for t in titles}

    scenario = make_scenario([QUEUE], dashboards=["ebit-perf-test", "perf-system"])
    obs = observer(scenario, {"grafana": Grafana("grafana")}, journal, clock)
    assert asyncio.run(obs.dashboard_links(clock.now(), clock.now())) == {
        "perf-system": "http://g/d/perf-system"
    }
    bare = observer(make_scenario([QUEUE]), {}, journal, clock)
    assert asyncio.run(bare.dashboard_links(clock.now(), clock.now())) == {}
