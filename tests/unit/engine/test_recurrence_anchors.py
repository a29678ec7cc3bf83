"""What the drill's recurrence search names, from a recorded lab journal: the alerts that went off,
the signals that moved, the metrics their queries read and the services they name; never the
fault events nor the scenario's root cause."""

from __future__ import annotations

from pathlib import Path

from drillctl.core.journal import read_journal
from drillctl.engine.diagnosis import anchors, metric_names
from drillctl.scenario.catalog import Catalog

RUN = (
    Path(__file__).resolve().parents[2]
    / "fixtures/journals/v020/20261207-160434-cache-partition-d76f/journal.jsonl"
)


def test_the_symptom_names_its_alerts_signals_metrics_and_service() -> None:
    events = read_journal(RUN).events
    seen = events[: next(i for i, e in enumerate(events) if e.type == "hypothesis.auto")]
    scenario = Catalog(None).load("cache-partition").scenario
    assert anchors(seen, scenario) == [
        ("signal", "queue_waiting"),
        ("metric", "bullmq_queue_jobs"),
        ("alert", "BetSettledQueueBacklog"),
        ("service", "ebit-api"),
        ("alert", "ApiReadsFailing"),
        ("signal", "reads_failing"),
        ("metric", "smoke_requests_total"),
    ]


def test_metric_names_are_read_from_promql_not_its_labels_or_functions() -> None:
    query = (
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket"
        '{service="ebit-api",method="GET"}[10s]))) / min(up{job="x"}) + max(redis_up)'
    )
    assert metric_names(query) == ["http_request_duration_seconds_bucket", "redis_up"]
