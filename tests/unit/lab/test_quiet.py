"""`lab up` waits until the lab is quiet: against a local server answering as Prometheus's
/api/v1/query does (vector results; the shape of prometheus/web/api/v1 `queryData`)."""

from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from drillctl.lab.quiet import FIRING, WAITING, wait_until_quiet


def vector(*samples: tuple[dict[str, str], str]) -> dict[str, Any]:
    result = [{"metric": m, "value": [1765130000.0, v]} for m, v in samples]
    return {"status": "success", "data": {"resultType": "vector", "result": result}}


class Lab:
    """A start-up: two polls of a backlog with its alert firing, then quiet."""

    def __init__(self) -> None:
        self.polls = 0

    def answer(self, request: Request) -> Response:
        query = request.args["query"]
        loud = self.polls < 2
        if query == WAITING:
            self.polls += 1
            body = vector(({}, "82" if loud else "0"))
        elif query == FIRING:
            body = vector(({"alertname": "BetSettledQueueBacklog"}, "1")) if loud else vector()
        else:
            return Response("unexpected query", status=400)
        return Response(json.dumps(body), content_type="application/json")


def test_waits_through_the_start_up_backlog_and_says_what_it_waited_for(
    httpserver: HTTPServer,
) -> None:
    lab, lines = Lab(), []
    httpserver.expect_request("/api/v1/query").respond_with_handler(lab.answer)
    left = wait_until_quiet(httpserver.url_for(""), lines.append, timeout=30, sleep=lambda _: None)
    assert left == []
    assert lines == [
        "waiting for the lab to settle: alerts firing: BetSettledQueueBacklog;"
        " bet_settled_queue has 82 waiting jobs",
        "the lab is quiet: no alert firing, bet_settled_queue drained",
    ]


def test_a_queue_not_scraped_yet_is_not_quiet_and_a_loud_lab_is_reported_not_raised(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/api/v1/query").respond_with_json(vector())
    lines: list[str] = []
    left = wait_until_quiet(httpserver.url_for(""), lines.append, timeout=0, sleep=lambda _: None)
    assert left == ["bet_settled_queue depth not scraped yet"]
    assert lines == [
        "the lab is up but not quiet after 0 s: bet_settled_queue depth not scraped yet"
    ]


def test_a_prometheus_that_answers_an_error_is_not_quiet(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/query").respond_with_json(
        {"status": "error", "errorType": "unavailable", "error": "starting"}, status=503
    )
    left = wait_until_quiet(httpserver.url_for(""), timeout=0, sleep=lambda _: None)
    assert left == ["Prometheus does not answer yet (HTTPStatusError)"]
