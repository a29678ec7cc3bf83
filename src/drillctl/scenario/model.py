"""The scenario model: one frozen pydantic tree, the JSON Schema is generated from it.

``faults`` is a discriminated union on ``type`` over every registered fault type (built-ins and
``drillctl.faults`` plugins), built by ``scenario_model()``; each type's parameters are owned by
its module under ``drillctl/faults/``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema

from drillctl.core.durations import Bounds, Duration, format_duration
from drillctl.core.states import ChangeKind
from drillctl.core.urls import check_url, split_probe, url_problem
from drillctl.faults.base import FaultParams
from drillctl.faults.registry import all_params, builtin_params

SourceName = Literal[
    "prometheus", "alertmanager", "loki", "logs", "jaeger", "grafana", "http", "redis", "sql", "tcp"
]
Severity = Literal["P0", "P1", "P2", "P3", "P4"]
SLUG = r"^[a-z0-9][a-z0-9-]*$"
HttpUrl = Annotated[str, AfterValidator(check_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class HttpTraffic(Strict):
    url: HttpUrl
    method: Literal["GET", "POST", "PUT", "DELETE", "HEAD"] = "GET"
    rate: float = Field(10.0, gt=0, le=100_000, description="requests per second")
    concurrency: int = Field(8, ge=1, le=1000)
    json_body: dict[str, Any] | None = Field(None, alias="json")
    headers: dict[str, str] = {}


class SocketIoTraffic(Strict):
    url: HttpUrl
    clients: int = Field(5, ge=1, le=1000, description="long-lived clients kept connected")
    path: str = "/socket.io"


class Traffic(Strict):
    profile: str | None = Field(None, description="compose profile to enable, e.g. smoke")
    http: list[HttpTraffic] = []
    socketio: SocketIoTraffic | None = None


class SymptomRule(Strict):
    """When a signal is symptomatic. Absolute (above/below) or relative to the baseline centre
    (factor, delta). Several conditions: any of them breaking is a breach."""

    above: float | None = None
    below: float | None = None
    factor: float | None = Field(None, gt=0, description="value >= centre*factor (direction up)")
    delta: float | None = Field(None, description="value >= centre+delta (direction up)")
    direction: Literal["up", "down"] = "up"
    for_: Annotated[Duration, Bounds("0s", "1h")] = Field(timedelta(0), alias="for")
    tolerance: float | None = Field(
        None,
        ge=0,
        description=(
            "recovered when no worse than the baseline centre by more than this, in the symptom's"
            " direction (default: the rule no longer breaks)"
        ),
    )

    @model_validator(mode="after")
    def _one_condition(self) -> SymptomRule:
        if all(v is None for v in (self.above, self.below, self.factor, self.delta)):
            raise ValueError("a symptom rule needs at least one of above, below, factor, delta")
        return self


class Signal(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    source: SourceName
    query: str = Field(description="PromQL, LogQL, log regex, alert name, URL, SQL, redis argv...")
    service: str | None = Field(None, description="compose service (logs, jaeger)")
    dsn: str | None = Field(None, description="connection string for sql/redis; use ${env:...}")
    unit: str | None = None
    description: str | None = None
    symptom: SymptomRule
    primary: bool = Field(True, description="counts for symptom detection and recovery")

    @field_validator("query")
    @classmethod
    def _probe_url(cls, query: str, info: ValidationInfo) -> str:
        url = split_probe(query)[1]
        if info.data.get("source") == "http" and (problem := url_problem(url)):
            raise ValueError(f"{url!r} is not a valid http(s) URL: {problem}")
        return query


class EvidenceQuery(Strict):
    name: str
    source: Literal["loki", "logs", "jaeger", "prometheus", "grafana"]
    query: str | None = None
    service: str | None = None
    pattern: str | None = Field(None, description="regex filter for log lines")
    limit: int = Field(20, ge=1, le=5000)


class Recovery(Strict):
    until: Literal["signals-normal"] = "signals-normal"
    timeout: Annotated[Duration, Bounds("1s", "24h")] = timedelta(minutes=5)


class AlertExpectation(Strict):
    name: str
    within: Annotated[Duration, Bounds("1s", "24h")] = timedelta(minutes=2)


class Invariant(Strict):
    name: str
    source: Literal["prometheus", "sql", "redis"]
    query: str
    dsn: str | None = None
    equals: float | None = None
    above: float | None = None
    below: float | None = None
    at: Literal["end", "always"] = "end"
    measure: Literal["value", "change"] = Field(
        "value",
        description="value: the query's result; change: its growth since just before the injection "
        "(for gauges that keep earlier incidents, such as lost jobs)",
    )


class Expect(Strict):
    symptom_within: Annotated[Duration, Bounds("1s", "24h")] | None = None
    alerts: list[AlertExpectation] = []
    recovered_within: Annotated[Duration, Bounds("1s", "24h")] | None = None
    invariants: list[Invariant] = []


class AbortCondition(Strict):
    signal: str
    above: float | None = None
    below: float | None = None


class Guardrails(Strict):
    max_fault_duration: Annotated[Duration, Bounds("1s", "24h")] = timedelta(minutes=10)
    abort_if: list[AbortCondition] = []


class RootCause(Strict):
    """The expected cause, as fields the verdict compares with a hypothesis's claim: the service,
    the kind of change, and (optionally) the signals it explains. ``keywords`` (scenario files
    written before the fields) are matched against the hypothesis sentence only."""

    summary: str
    service: str | None = Field(None, description="the service the change happened to")
    kind: ChangeKind | None = Field(None, description="the kind of change")
    signals: list[str] = Field([], description="signals it explains (the claim must name one)")
    keywords: list[str] = []
    min_keywords: int = Field(1, ge=1, le=100)

    @model_validator(mode="after")
    def _fields_or_keywords(self) -> RootCause:
        if not self.keywords and (self.service is None or self.kind is None):
            raise ValueError("root_cause needs service and kind (or, in older files, keywords)")
        return self


class ScenarioBase(Strict):
    name: str = Field(pattern=SLUG)
    title: str
    severity: Severity
    description: str
    objective: str = Field(description="what the responder should learn or practise")
    difficulty: Literal["easy", "medium", "hard"] | None = None
    tags: list[str] = []
    vars: dict[str, str] = Field({}, description="variables with their defaults: ${var:name}")
    traffic: Traffic | None = None
    baseline: Annotated[Duration, Bounds("1s", "1h")] = timedelta(seconds=30)
    signals: list[Signal] = Field(min_length=1)
    evidence: list[EvidenceQuery] = []
    recovery: Recovery = Recovery()
    expect: Expect = Expect()
    guardrails: Guardrails = Guardrails()
    root_cause: RootCause
    runbook: Path | None = None
    dashboards: list[str] = []  # Grafana dashboards deep-linked for the drill window; no default
    decisions: list[str] = Field([], description="judgement calls the responder must make")

    @model_validator(mode="after")
    def _references(self) -> ScenarioBase:
        names = [s.name for s in self.signals]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"signal names must be unique: {', '.join(sorted(dupes))}")
        for cond in self.guardrails.abort_if:
            if cond.signal not in names:
                raise ValueError(f"guardrails.abort_if names unknown signal {cond.signal!r}")
        for fault in getattr(self, "faults", []):
            hold = fault.hold_for()
            if hold is not None and hold > self.guardrails.max_fault_duration:
                raise ValueError(
                    f"fault {fault.name or fault.type} lasts {format_duration(hold)}, "
                    "over guardrails.max_fault_duration"
                )
        return self


def _fault_union(params: dict[str, type[FaultParams]]) -> Any:
    models = tuple(params.values())
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007 - runtime union


class _NoFault(FaultParams):
    """A type no scenario reaches a one-type union with (``model_for``): beside it the union stays
    a tagged union, whose errors are located as in the union of every type (``faults.0.TYPE.x``),
    where pydantic would reduce a union of one to its member."""

    type: Literal[""]


@cache
def scenario_model(types: frozenset[str] | None = None) -> type[ScenarioBase]:
    """The Scenario class whose faults may be any installed type, or only the built-in ``types``
    (then only their modules are imported: see ``model_for``)."""
    params = builtin_params(types) if types else None
    if params is not None and len(params) == 1:
        params[""] = _NoFault
    fault = _fault_union(params or all_params())
    return create_model(
        "Scenario",
        __base__=ScenarioBase,
        faults=(list[fault], Field(min_length=1)),  # type: ignore[valid-type]
    )


def model_for(data: Any, among: frozenset[str] = frozenset()) -> type[ScenarioBase]:
    """The Scenario class to validate this document with: one over the built-in types its faults
    name, so that `validate` and `list` import no other fault module. Anything else (a plugin's
    type, an unknown or missing one, no faults) gets the class of every installed type, whose
    errors list the known types. A fault validates the same in either: the union picks its
    model by ``type``. ``among``: the types of the files loaded with this one, so that a listing
    builds one class for all of them rather than one per file."""
    named = fault_types(data)
    if named is None:
        return scenario_model()
    if named <= among and builtin_params(among) is not None:
        named = among
    return scenario_model(named)


def fault_types(data: Any) -> frozenset[str] | None:
    """The built-in types a document's faults name; None unless every fault names one."""
    faults = data.get("faults") if isinstance(data, dict) else None
    items = faults if isinstance(faults, list) else []
    types = [item.get("type") if isinstance(item, dict) else None for item in items]
    named = [t for t in types if isinstance(t, str)]
    if named and len(named) == len(types) and builtin_params(named) is not None:
        return frozenset(named)
    return None


class _ScenarioSchema(GenerateJsonSchema):
    """Durations default to ``timedelta`` objects; show them as the strings a file would hold."""

    def encode_default(self, dft: Any) -> Any:
        if isinstance(dft, timedelta):
            return format_duration(dft)
        return super().encode_default(dft)


def json_schema() -> dict[str, Any]:
    schema = scenario_model().model_json_schema(by_alias=True, schema_generator=_ScenarioSchema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "drillctl scenario"
    return schema
