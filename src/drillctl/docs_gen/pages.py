"""The generated reference pages: scenario fields, fault types, configuration, journal events."""

from __future__ import annotations

import inspect
import sys
from typing import Annotated, Any, Union

from pydantic import BaseModel, Field, create_model

from drillctl import config
from drillctl.core import config_layers, durations, events, journal
from drillctl.core.events import event_models
from drillctl.docs_gen.tables import (
    GENERATED,
    default_text,
    field_comments,
    md,
    model_section,
    model_table,
    nested_models,
    type_text,
)
from drillctl.faults import base as fault_base
from drillctl.faults import registry
from drillctl.observe import detect
from drillctl.report import archive, json_report, junit, slack
from drillctl.scenario import variables
from drillctl.scenario.model import ScenarioBase


def prose(doc: str | None) -> str:
    """A docstring as Markdown paragraphs (RST literals become Markdown code)."""
    paragraphs = inspect.cleandoc(doc or "").replace("``", "`").split("\n\n")
    return "\n\n".join(" ".join(p.split()) if not p.startswith("    ") else p for p in paragraphs)


def page(title: str, intro: str, sections: list[str]) -> str:
    body = [GENERATED, "", f"# {title}", "", intro.strip(), "", *sections]
    return "\n".join(body).rstrip() + "\n"


def builtin_scenario_model() -> type[BaseModel]:
    """The scenario model with the built-in fault types only (installed plugins vary by machine)."""
    models = tuple(registry.BUILTIN_PARAMS.values())
    union: Any = Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007
    return create_model(
        "Scenario", __base__=ScenarioBase, faults=(list[union], Field(min_length=1))  # type: ignore[valid-type]
    )  # fmt: skip


SCENARIO_INTRO = """
Every key a scenario file may hold, generated from the models in `drillctl.scenario.model` (the
same models that validate your files and produce `drillctl schema`). Unknown keys are errors.

- **Durations** are strings with a unit: `500ms`, `60s`, `5m`, `1h30m`. A bare number is refused.
- **Variables**: `${var:name}` anywhere in a string value; defaults in the file's `vars:`,
  overridden by `[vars]` in drillctl.toml, `DRILLCTL_VAR_<NAME>`, then `--set name=value`.
- **Secrets**: `${env:NAME}` is resolved only at run time and never written to the journal.
- **Faults** are a list of the [fault types](faults.md), each chosen by its `type`.
- Editors: `drillctl schema > scenario.schema.json` and point yaml-language-server at it.
"""


def scenario_page() -> str:
    model = builtin_scenario_model()
    links: dict[type[BaseModel], str] = {m: "faults.md" for m in registry.BUILTIN_PARAMS.values()}
    sections = []
    for nested in nested_models(model):
        if nested in links:
            continue
        title = "Scenario (top level)" if nested is model else nested.__name__
        sections.append(model_section(nested, links, title))
    notes = [
        "## Durations and variables",
        "",
        prose(durations.__doc__),
        "",
        prose(variables.__doc__),
        "",
        "## How symptoms and recovery are detected {#detection}",
        "",
        f"```text\n{inspect.cleandoc(detect.__doc__ or '')}\n```",
        "",
    ]
    return page("Scenario file reference", SCENARIO_INTRO, [*sections, *notes])


FAULTS_INTRO = """
Each entry of a scenario's `faults:` list is one of these types, chosen by `type`. Every fault
also takes `name` (an id shown in the timeline; defaults to the type). Faults are injected in
order and reverted last-in-first-out on every exit path: normal end, error, Ctrl-C, SIGTERM, and
after a crash by `drillctl recover`.
"""


def _fault_section(type_name: str, params: type[BaseModel]) -> str:
    doc = prose(sys.modules[params.__module__].__doc__)
    doc = doc.removeprefix(f"{type_name}:").strip()
    doc = doc[:1].upper() + doc[1:]
    lines = [f"## `{type_name}` {{#{type_name}}}", "", doc, "", *model_table(params, {})]
    return "\n".join(lines) + "\n"


def faults_page() -> str:
    sections = [_fault_section(n, p) for n, p in registry.BUILTIN_PARAMS.items()]
    contract = ["## Writing your own fault type", "", prose(fault_base.__doc__), ""]
    contract += [prose(registry.__doc__), ""]
    return page("Fault types", FAULTS_INTRO, [*sections, *contract])


CONFIG_INTRO = """
drillctl reads `drillctl.toml` (found as `--config PATH`, else `DRILLCTL_CONFIG`, else in the
`--project-dir` folder, else in the current directory or its parents). Each key below can also be
set by an environment variable `DRILLCTL_<SECTION>_<KEY>` (for example
`DRILLCTL_SOURCES_PROMETHEUS`), and the global flags override both. Lists in environment
variables are comma-separated. Paths in the file are relative to the file's folder.
`drillctl init` writes a commented file for an existing project. The file is checked against the
tables below by every command that uses the settings; `list`, `show` and `validate` read only
`[drill] scenarios_dir` and `[vars]` (they start in half the time) and report problems there
only; `drillctl doctor` checks the whole file.
"""


def config_page() -> str:
    sections = []
    for name, field in config.Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            table = "\n".join(model_table(model, {}))
            sections.append(f"## `[{name}]` {{#{name}}}\n\n{table}\n")
    sections.append(
        '## `[vars]` {#vars}\n\nScenario variables for every scenario, `name = "value"`; '
        "`DRILLCTL_VAR_<NAME>` overrides one, `--set name=value` overrides both.\n"
    )
    aliases = ", ".join(f"`{k}`" for k in _aliases())
    sections.append(f"## Short environment variables\n\n{aliases}, and `DRILLCTL_CONFIG`.\n")
    return page("Configuration reference", CONFIG_INTRO, sections)


def _aliases() -> list[str]:
    return sorted(config_layers.ALIASES)


JOURNAL_INTRO = """
Each run appends to `.drillctl/runs/<run-id>/journal.jsonl`, one JSON object a line. This page
is the vocabulary as the code defines it (`drillctl.core.events`); the reports, the timeline,
JUnit, the history and `drillctl recover` are all computed from these events.
"""


def _verbatim(title: str, anchor: str, module: object) -> str:
    text = inspect.cleandoc(getattr(module, "__doc__", None) or "")
    return f"## {title} {{#{anchor}}}\n\n```text\n{text}\n```\n"


def journal_page() -> str:
    line = "\n".join(model_table(journal.Line, {}))
    sections = [
        f"## One line {{#event}}\n\n{line}\n",
        _verbatim("Event types", "event-types", events),
        *(_event_section(model) for model in event_models()),
        model_section(events.Claim, {}, "A hypothesis as fields (claim)"),
        _verbatim("The run directory", "run-directory", archive),
        _verbatim("report.json", "report-json", json_report),
        _verbatim("junit.xml", "junit-xml", junit),
        _verbatim("timeline.slack.txt", "slack", slack),
    ]
    return page("Journal and report formats", JOURNAL_INTRO, sections)


def _event_section(model: type[events.JournalEvent]) -> str:
    kind = model.model_fields["type"].default
    doc = " ".join(inspect.cleandoc(model.__doc__ or "").split())
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    comments = field_comments(model)
    for name, field in model.model_fields.items():
        if name in events.ENVELOPE:
            continue
        key, text = model.data_keys.get(name, name), type_text(field.annotation, {})
        meaning = comments.get(name, "")
        rows.append(f"| `{key}` | {md(text)} | {md(default_text(field))} | {md(meaning)} |")
    table = "\n".join(rows) if len(rows) > 2 else "No fields."
    return f"### `{kind}` {{#{kind.replace('.', '-')}}}\n\n{doc}\n\n{table}\n"


def documented_models() -> list[type[BaseModel]]:
    """Every model whose fields the generated pages list."""
    models = [*nested_models(builtin_scenario_model()), fault_base.FaultParams, journal.Line]
    models += [f.annotation for f in config.Settings.model_fields.values()]
    return [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
