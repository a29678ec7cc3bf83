"""Answers taken from the upstream projects' own docs and tests, each naming its source file and
commit (or URL), plus the hostile variants issue #18 lists, built from those same answers.

The bodies are the upstream examples as published (trimmed of ``stats``/``...`` placeholders);
the hostile ones change one documented thing each and say which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Example:
    source: str  # upstream file (repo:path@commit) or URL the body comes from
    body: str
    status: int = 200


def _json(value: Any) -> str:
    return json.dumps(value)


PROM_DOCS = "prometheus/prometheus:docs/querying/api.md@4f1db75e287a707df643d8d857f87920244ed31e"
PROM_VECTOR = Example(
    PROM_DOCS + " (Instant queries: `up` at 2015-07-01T20:10:51.781Z)",
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "vector",
                "result": [
                    {
                        "metric": {
                            "__name__": "up",
                            "job": "prometheus",
                            "instance": "localhost:9090",
                        },
                        "value": [1435781451.781, "1"],
                    },
                    {
                        "metric": {"__name__": "up", "job": "node", "instance": "localhost:9100"},
                        "value": [1435781451.781, "0"],
                    },
                ],
            },
        }
    ),
)
PROM_MATRIX = Example(
    PROM_DOCS + " (Range queries: `up` over 30s, step 15s)",
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "matrix",
                "result": [
                    {
                        "metric": {
                            "__name__": "up",
                            "job": "prometheus",
                            "instance": "localhost:9090",
                        },
                        "values": [
                            [1435781430.781, "1"],
                            [1435781445.781, "1"],
                            [1435781460.781, "1"],
                        ],
                    },
                    {
                        "metric": {"__name__": "up", "job": "node", "instance": "localhost:9091"},
                        "values": [
                            [1435781430.781, "0"],
                            [1435781445.781, "0"],
                            [1435781460.781, "1"],
                        ],
                    },
                ],
            },
        }
    ),
)
# "Strings": result is [ <unix_time>, "<string_value>" ] (same file, result formats)
PROM_STRING = Example(
    PROM_DOCS + " (Strings result format)",
    _json(
        {"status": "success", "data": {"resultType": "string", "result": [1435781451.781, "up"]}}
    ),
)
PROM_SCALAR = Example(
    PROM_DOCS + " (Scalars result format)",
    _json(
        {"status": "success", "data": {"resultType": "scalar", "result": [1435781451.781, "42"]}}
    ),
)
PROM_DATA_NULL = Example(
    PROM_DOCS + " (envelope with data: null)", _json({"status": "success", "data": None})
)
# Native histograms: "histogram": [ <unix_time>, { "count", "sum", "buckets": [[ <rule>, "<left>",
# "<right>", "<count>" ]] } ] and "histograms" in a matrix (docs/querying/api.md, section
# "Native histograms", Prometheus >= 2.40; same file, newer revision than the commit above).
_HISTOGRAM = {
    "count": "10",
    "sum": "3.5",
    "buckets": [[0, "0.25", "0.5", "4"], [0, "0.5", "1", "6"]],
}
PROM_HISTOGRAMS_ONLY = Example(
    "prometheus/prometheus:docs/querying/api.md (Native histograms, v2.40+)",
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "matrix",
                "result": [
                    {
                        "metric": {"__name__": "http_request_duration_seconds"},
                        "histograms": [[1435781430.781, _HISTOGRAM], [1435781445.781, _HISTOGRAM]],
                    },
                ],
            },
        }
    ),
)
PROM_BAD_DATA = Example(
    PROM_DOCS + " (Format overview: 400 with errorType/error)",
    _json({"status": "error", "errorType": "bad_data", "error": 'invalid parameter "query"'}),
    400,
)

LOKI_DOCS = (
    "grafana/loki:docs/sources/reference/loki-http-api.md@c41ee8c8544a15677c96f7aa0313558ab36b99e6"
)
LOKI_VECTOR = Example(
    LOKI_DOCS
    + ' (Query logs at a single point in time: sum(rate({job="varlogs"}[10m])) by (level))',
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "vector",
                "result": [
                    {"metric": {}, "value": [1588889221, "1267.1266666666666"]},
                    {"metric": {"level": "warn"}, "value": [1588889221, "37.77166666666667"]},
                    {"metric": {"level": "info"}, "value": [1588889221, "37.69"]},
                ],
            },
        }
    ),
)
LOKI_STREAMS = Example(
    LOKI_DOCS + ' (Query logs within a range of time: {job="varlogs"})',
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": [
                    {
                        "stream": {
                            "filename": "/var/log/myproject.log",
                            "job": "varlogs",
                            "level": "info",
                        },
                        "values": [["1569266497240578000", "foo"], ["1569266492548155000", "bar"]],
                    },
                ],
            },
        }
    ),
)
LOKI_SCALAR = Example(
    LOKI_DOCS + " (resultType scalar, e.g. the query `vector(2)`; [<seconds>, <string value>])",
    _json({"status": "success", "data": {"resultType": "scalar", "result": [1588889221, "2"]}}),
)
LOKI_VALUES_NULL = Example(
    LOKI_STREAMS.source + ", with a stream's `values: null` (Go's nil slice)",
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": [
                    {"stream": {"job": "varlogs"}, "values": None},
                    {
                        "stream": {"job": "varlogs", "level": "info"},
                        "values": [["1569266497240578000", "foo"]],
                    },
                ],
            },
        }
    ),
)
LOKI_STRING_TIMESTAMPS = Example(
    LOKI_STREAMS.source + ", with RFC3339 string timestamps instead of nanoseconds",
    _json(
        {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": [
                    {
                        "stream": {"job": "varlogs"},
                        "values": [
                            ["2019-09-23T19:21:37.240578Z", "foo"],
                            ["2019-09-23T19:21:32.548155Z", "bar"],
                        ],
                    },
                ],
            },
        }
    ),
)

JAEGER_V3 = "jaegertracing/jaeger:cmd/jaeger/internal/extension/jaegerquery/internal/apiv3"
_CHUNK = {
    "result": {
        "resourceSpans": [
            {
                "resource": {},
                "scopeSpans": [
                    {
                        "scope": {},
                        "spans": [
                            {
                                "kind": 2,
                                "name": "foobar",
                                "spanId": "0000000000000002",
                                "status": {"code": 2},
                                "traceId": "00000000000000000000000000000001",
                            }
                        ],
                    }
                ],
            }
        ]
    }
}
_CHUNK_2 = json.loads(
    json.dumps(_CHUNK)
    .replace('"0000000000000002"', '"0000000000000003"')
    .replace('0001"', '0002"')
    .replace('"foobar"', '"checkout"')
)
JAEGER_ONE_CHUNK = Example(
    JAEGER_V3 + "/snapshots/FindTraces.json@6b5df45a612f20f531c3889fc056298064a60a89", _json(_CHUNK)
)
JAEGER_STREAM = Example(
    JAEGER_ONE_CHUNK.source
    + ", two chunks as the grpc-gateway streams FindTraces (one JSON per line)",
    _json(_CHUNK) + "\n" + _json(_CHUNK_2) + "\n",
)
JAEGER_STREAM_ERROR = Example(
    JAEGER_V3 + "/http_gateway.go@9974249fda9855bcc249c7bb086f5b536c5aae10 (GRPCGatewayError) "
    "as the last chunk of a stream that failed after the 200",
    _json(_CHUNK)
    + "\n"
    + _json({"error": {"httpCode": 500, "message": "storage: context deadline exceeded"}}),
)
JAEGER_NO_TRACES = Example(
    JAEGER_V3
    + "/http_gateway.go@9974249fda9855bcc249c7bb086f5b536c5aae10 (returnTraces: none found)",
    _json({"error": {"httpCode": 404, "message": "No traces found"}}),
    404,
)
JAEGER_HTML = Example(
    "an auth proxy's login page in front of Jaeger (200, text/html)",
    "<!doctype html><html><head><title>Sign in</title></head><body></body></html>",
)
# jaeger cmd/query/app/http_handler.go: structuredResponse {data,total,limit,offset,errors}
JAEGER_V1_ERRORS = Example(
    "jaegertracing/jaeger:cmd/query/app/http_handler.go (structuredResponse with errors, 200)",
    _json(
        {
            "data": None,
            "total": 0,
            "limit": 0,
            "offset": 0,
            "errors": [{"code": 500, "msg": "trace not found in span store"}],
        }
    ),
)

GRAFANA_DOCS = (
    "grafana/grafana:docs/sources/developers/http_api/folder_dashboard_search.md"
    "@e8a486b0ab5408ec9d9623c65ce04ebe4f06b382"
)
GRAFANA_SEARCH = Example(
    GRAFANA_DOCS + " (Search folders and dashboards: example response)",
    _json(
        [
            {
                "id": 163,
                "uid": "000000163",
                "title": "Folder",
                "url": "/dashboards/f/000000163/folder",
                "type": "dash-folder",
                "tags": [],
                "isStarred": False,
                "uri": "db/folder",
            },
            {
                "id": 1,
                "uid": "cIBgcSjkk",
                "title": "Production Overview",
                "url": "/d/cIBgcSjkk/production-overview",
                "type": "dash-db",
                "tags": ["prod"],
                "isStarred": True,
                "uri": "db/production-overview",
                "folderUid": "000000163",
                "folderTitle": "Folder",
                "folderUrl": "/dashboards/f/000000163/folder",
            },
        ]
    ),
)
GRAFANA_SEARCH_OBJECT = Example(
    GRAFANA_DOCS + ", answered as an object (a proxy's or a plugin's error envelope)",
    _json({"message": "Unauthorized"}),
)

PD_API = "https://developer.pagerduty.com/api-reference"
PD_ONCALLS_PAGE = Example(
    PD_API + "/3a6b910f11050-list-all-of-the-on-calls (response example, trimmed)",
    _json(
        {
            "oncalls": [
                {
                    "escalation_policy": {"id": "PT20YPA", "type": "escalation_policy_reference"},
                    "escalation_level": 1,
                    "schedule": {"id": "PI7DH85", "type": "schedule_reference"},
                    "user": {"id": "PXPGF42", "summary": "Earline Greenholt"},
                    "start": "2015-03-06T15:28:51-05:00",
                    "end": "2015-03-07T15:28:51-05:00",
                }
            ],
            "limit": 100,
            "offset": 0,
            "more": True,
            "total": None,
        }
    ),
)
PD_EVENTS_400 = Example(
    PD_API + "/368ae3d938c9e-send-an-event-to-pager-duty (400 response example)",
    _json(
        {
            "status": "invalid event",
            "message": "Event object is invalid",
            "errors": ["Length of 'routing_key' is incorrect (should be 32 characters)"],
        }
    ),
    400,
)
PD_HTML_200 = Example(
    "a corporate proxy answering PagerDuty's REST API with a 200 HTML page",
    "<html><body>Access to this site is blocked</body></html>",
)
