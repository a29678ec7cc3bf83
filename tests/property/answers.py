"""Documented answer shapes of each API, as hypothesis strategies (from the upstream docs and
tests named in tests/contract/fixtures/README.md), and a fake transport that serves one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from hypothesis import strategies as st

from drillctl.observe.httpapi import HttpApi

T = TypeVar("T")

TS = st.floats(min_value=1e9, max_value=2e9) | st.integers(min_value=1_000_000_000, max_value=2**31)
NUMBER_TEXT = st.sampled_from(["1", "0", "3.5", "NaN", "+Inf", "-Inf", "1e5"]) | st.integers().map(
    str
)
LABELS = st.dictionaries(
    st.sampled_from(["job", "instance", "__name__", "le"]), st.text(max_size=5)
)
HISTOGRAM = st.fixed_dictionaries(
    {"count": NUMBER_TEXT, "sum": NUMBER_TEXT, "buckets": st.just([[0, "0.1", "1", "2"]])}
)

PROM_VECTOR_ITEM = st.one_of(
    st.fixed_dictionaries({"metric": LABELS, "value": st.tuples(TS, NUMBER_TEXT).map(list)}),
    st.fixed_dictionaries({"metric": LABELS, "histogram": st.tuples(TS, HISTOGRAM).map(list)}),
)
PROM_MATRIX_ITEM = st.one_of(
    st.fixed_dictionaries(
        {"metric": LABELS, "values": st.lists(st.tuples(TS, NUMBER_TEXT).map(list), max_size=3)}
    ),
    st.fixed_dictionaries(
        {"metric": LABELS, "histograms": st.lists(st.tuples(TS, HISTOGRAM).map(list), max_size=2)}
    ),
)
PROM_DATA = st.one_of(
    st.fixed_dictionaries(
        {"resultType": st.just("vector"), "result": st.lists(PROM_VECTOR_ITEM, max_size=3)}
    ),
    st.fixed_dictionaries(
        {"resultType": st.just("matrix"), "result": st.lists(PROM_MATRIX_ITEM, max_size=3)}
    ),
    st.fixed_dictionaries(
        {
            "resultType": st.sampled_from(["scalar", "string"]),
            "result": st.tuples(TS, NUMBER_TEXT).map(list),
        }
    ),
    st.none(),
)
PROM_ANSWER = st.one_of(
    st.fixed_dictionaries({"status": st.just("success"), "data": PROM_DATA}),
    st.fixed_dictionaries(
        {
            "status": st.just("error"),
            "errorType": st.sampled_from(["bad_data", "timeout"]),
            "error": st.text(max_size=20),
        }
    ),
)
PROM_ALERTS = st.fixed_dictionaries(
    {
        "status": st.just("success"),
        "data": st.fixed_dictionaries(
            {
                "alerts": st.lists(
                    st.fixed_dictionaries(
                        {
                            "labels": LABELS,
                            "state": st.sampled_from(["pending", "firing"]),
                            "activeAt": st.sampled_from(
                                [
                                    "2018-07-04T20:27:12.60602144+02:00",
                                    "0001-01-01T00:00:00Z",
                                    "not a time",
                                ]
                            ),
                            "value": NUMBER_TEXT,
                        }
                    ),
                    max_size=3,
                )
            }
        ),
    }
)

NS = st.integers(min_value=0, max_value=4 * 10**18).map(str) | st.sampled_from(
    ["2024-05-01T10:00:00.123456789Z", "1714557600", "-1"]
)
LOKI_STREAM = st.fixed_dictionaries(
    {
        "stream": LABELS,
        "values": st.none() | st.lists(st.tuples(NS, st.text(max_size=10)).map(list), max_size=3),
    }
)
LOKI_DATA = st.one_of(
    st.fixed_dictionaries(
        {"resultType": st.just("streams"), "result": st.lists(LOKI_STREAM, max_size=3)}
    ),
    st.fixed_dictionaries(
        {
            "resultType": st.just("vector"),
            "result": st.lists(
                st.fixed_dictionaries(
                    {"metric": LABELS, "value": st.tuples(TS | NS, NUMBER_TEXT).map(list)}
                ),
                max_size=3,
            ),
        }
    ),
    st.fixed_dictionaries(
        {"resultType": st.just("scalar"), "result": st.tuples(TS, NUMBER_TEXT).map(list)}
    ),
    st.fixed_dictionaries(
        {
            "resultType": st.just("matrix"),
            "result": st.lists(
                st.fixed_dictionaries(
                    {"metric": LABELS, "values": st.lists(st.tuples(TS, NUMBER_TEXT).map(list))}
                ),
                max_size=2,
            ),
        }
    ),
)
LOKI_ANSWER = st.fixed_dictionaries({"status": st.just("success"), "data": LOKI_DATA | st.none()})

ATTRIBUTE = st.fixed_dictionaries(
    {
        "key": st.sampled_from(["error", "otel.status_code", "http.route"]),
        "value": st.fixed_dictionaries({"boolValue": st.booleans()})
        | st.fixed_dictionaries({"stringValue": st.sampled_from(["true", "ERROR", "x"])}),
    }
)
V3_SPAN = st.fixed_dictionaries(
    {
        "traceId": st.text(max_size=8),
        "name": st.text(max_size=8),
        "startTimeUnixNano": NS,
        "status": st.fixed_dictionaries({"code": st.sampled_from([0, 1, 2, "STATUS_CODE_ERROR"])}),
        "attributes": st.lists(ATTRIBUTE, max_size=2),
    }
)
V3_CHUNK = st.one_of(
    st.fixed_dictionaries(
        {
            "result": st.fixed_dictionaries(
                {
                    "resourceSpans": st.lists(
                        st.fixed_dictionaries(
                            {
                                "scopeSpans": st.lists(
                                    st.fixed_dictionaries({"spans": st.lists(V3_SPAN, max_size=3)}),
                                    max_size=2,
                                )
                            }
                        ),
                        max_size=2,
                    )
                }
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "error": st.fixed_dictionaries(
                {"httpCode": st.sampled_from([404, 500]), "message": st.text(max_size=10)}
            )
        }
    ),
)
V1_ANSWER = st.fixed_dictionaries(
    {
        "data": st.none()
        | st.lists(
            st.fixed_dictionaries(
                {
                    "traceID": st.text(max_size=6),
                    "spans": st.lists(
                        st.fixed_dictionaries(
                            {
                                "operationName": st.text(max_size=6),
                                "startTime": st.integers(0, 2**62),
                                "tags": st.lists(
                                    st.fixed_dictionaries(
                                        {
                                            "key": st.just("error"),
                                            "value": st.booleans() | st.just("true"),
                                        }
                                    ),
                                    max_size=2,
                                ),
                            }
                        ),
                        max_size=3,
                    ),
                }
            ),
            max_size=2,
        ),
        "errors": st.none()
        | st.lists(
            st.fixed_dictionaries({"code": st.just(500), "msg": st.text(max_size=10)}), max_size=1
        ),
    }
)

GRAFANA_SEARCH = st.lists(
    st.fixed_dictionaries(
        {
            "uid": st.text(max_size=6),
            "title": st.sampled_from(["ebit-perf-test", "perf-system", "x"]),
            "url": st.text(max_size=10),
            "type": st.just("dash-db"),
        }
    ),
    max_size=3,
)
AM_ALERTS = st.lists(
    st.fixed_dictionaries(
        {
            "labels": LABELS | st.just({"alertname": "EbitApiDown"}),
            "status": st.fixed_dictionaries(
                {"state": st.sampled_from(["active", "suppressed", "unprocessed"])}
            ),
            "startsAt": st.sampled_from(
                ["2024-05-01T10:00:00Z", "garbage", "0001-01-01T00:00:00Z"]
            ),
        }
    ),
    max_size=3,
)

PD_ONCALLS = st.fixed_dictionaries(
    {
        "oncalls": st.lists(
            st.fixed_dictionaries(
                {
                    "escalation_level": st.integers(0, 5) | st.text(max_size=3),
                    "schedule": st.none() | st.fixed_dictionaries({"id": st.text(max_size=7)}),
                    "user": st.fixed_dictionaries(
                        {"id": st.text(max_size=7), "summary": st.text(max_size=7)}
                    ),
                }
            ),
            max_size=3,
        ),
        "more": st.booleans(),
        "limit": st.just(100),
        "offset": st.integers(0, 10),
    }
)
PD_INCIDENTS = st.fixed_dictionaries(
    {
        "incidents": st.lists(
            st.fixed_dictionaries(
                {
                    "acknowledgements": st.lists(
                        st.fixed_dictionaries(
                            {
                                "at": st.sampled_from(["2015-11-10T00:31:52Z", "nope"]),
                                "acknowledger": st.fixed_dictionaries(
                                    {"summary": st.text(max_size=5)}
                                ),
                            }
                        ),
                        max_size=2,
                    )
                }
            ),
            max_size=2,
        )
    }
)
PD_EVENT = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["success", "invalid event"]),
        "message": st.text(max_size=10),
        "dedup_key": st.text(max_size=8),
        "errors": st.lists(st.text(max_size=8), max_size=2),
    }
)
SLACK_REPLIES = st.fixed_dictionaries(
    {
        "ok": st.booleans(),
        "messages": st.lists(
            st.fixed_dictionaries(
                {
                    "ts": st.sampled_from(["1503435956.000247", "x", "1"]),
                    "user": st.text(max_size=5),
                    "text": st.text(max_size=5),
                }
            ),
            max_size=3,
        ),
        "error": st.sampled_from(["channel_not_found", "invalid_auth"]),
    }
)

STATUS = st.sampled_from([200, 200, 200, 200, 400, 404, 422, 429, 500, 503])


def serve(status: int, body: str, use: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run ``use`` with a client whose every request gets this answer."""
    headers = {"content-type": "application/json", "Retry-After": "0"}
    return serve_with(lambda _: httpx.Response(status, text=body, headers=headers), use)


def serve_with(
    answer: Callable[[httpx.Request], httpx.Response],
    use: Callable[[httpx.AsyncClient], Awaitable[T]],
) -> T:
    async def main() -> T:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            return await use(client)

    return asyncio.run(main())


def api(name: str, client: httpx.AsyncClient) -> HttpApi:
    return HttpApi(name, f"http://{name}.test", client, timeout=1)


def is_number(value: Any) -> bool:
    return value is None or (
        isinstance(value, float) and value == value and abs(value) != float("inf")
    )
