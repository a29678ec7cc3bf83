"""``runbook new``: write ``runbooks/NAME.md`` from the team template and index it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drillctl.core import inputs
from drillctl.core.errors import DrillError
from drillctl.readiness import index, markdown, prefill
from drillctl.readiness.template import DEFAULT_TEMPLATE, TEMPLATE_NAME, render_template
from drillctl.scenario.model import ScenarioBase

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class NewRunbook:
    path: Path
    index: Path
    replaced: bool


def runbook_files(folder: Path) -> list[Path]:
    """The runbooks in a folder: ``*.md`` but the index and ``_``-prefixed files (the template)."""
    return sorted(
        p for p in folder.glob("*.md") if p.name != index.INDEX_NAME and not p.name.startswith("_")
    )


def new_runbook(
    folder: Path, name: str, *, scenario: ScenarioBase | None = None, overwrite: bool = False
) -> NewRunbook:
    if not NAME.match(name):
        raise DrillError(
            f"runbook name {name!r}: use lowercase letters, digits and dashes (e.g. redis-oom)"
        )
    path = folder / f"{name}.md"
    if path.exists() and not overwrite:
        raise DrillError(f"{path} exists", hint="pass --force to overwrite it")
    title = scenario.title if scenario else name.replace("-", " ").capitalize()
    text = render(_template(folder), name=name, title=title, scenario=scenario)
    folder.mkdir(parents=True, exist_ok=True)
    replaced = path.exists()
    path.write_text(text, encoding="utf-8")
    index_path = folder / index.INDEX_NAME
    index.upsert(
        index_path, index.Entry(path.name, title, f"`{scenario.name}`" if scenario else "—")
    )
    return NewRunbook(path, index_path, replaced)


def _template(folder: Path) -> str:
    team = folder / TEMPLATE_NAME
    return inputs.read_text(team) if team.is_file() else DEFAULT_TEMPLATE


def render(template: str, *, name: str, title: str, scenario: ScenarioBase | None) -> str:
    text = render_template(template, name=name, title=title)
    return fill_sections(text, prefill.section_bodies(scenario)) if scenario else text


def fill_sections(text: str, bodies: dict[str, str]) -> str:
    """Replace the body of each ``## Section`` named in ``bodies``; the rest is kept verbatim."""
    lines = markdown.scan(text)
    raw = [line.text for line in lines]
    wanted = {k.lower(): v for k, v in bodies.items()}
    for section in reversed(markdown.sections(lines)):
        body = wanted.get(section.title.lower())
        if body is None:
            continue
        end = section.body[-1].number if section.body else section.line
        raw[section.line : end] = ["", *body.splitlines(), ""]
    return "\n".join(raw).rstrip("\n") + "\n"
