"""Text of the files ``init`` writes: a commented drillctl.toml and a commented scenario (pure)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from drillctl.init.model import Project, Service
from drillctl.init.sources import Found
from drillctl.init.starter import Starter


def toml_value(value: Any) -> str:
    """A TOML literal for a string, a path or a list of them (JSON escapes are valid TOML)."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def _service_line(service: Service, width: int) -> str:
    kind = service.tool.value if service.tool else ("built" if service.built else "image")
    ports = ", ".join(str(p) for p in service.ports) or "no ports"
    health = f"healthcheck: {service.healthcheck}" if service.healthcheck else "no healthcheck"
    profiles = f"  [profile {', '.join(service.profiles)}]" if service.profiles else ""
    return f"#   {service.name:<{width}} {kind:<12} {ports}; {health}{profiles}"


def _project_section(project: Project) -> list[str]:
    lines = [
        "[project]",
        'dir = "."',
        f"files = {toml_value([_relative(f, project.dir) for f in project.files])}",
        f"name = {toml_value(project.name)}",
        *([f"driver = {toml_value(project.driver)}"] if project.driver != "compose" else []),
    ]
    if project.profiles:
        lines.append(
            f"# profiles in this project: {', '.join(project.profiles)} (not enabled here; "
            "a scenario's traffic.profile or profiles = [...] turns one on)"
        )
    else:
        lines.append("# this project defines no compose profiles")
    return lines


def _sources_section(found: list[Found]) -> list[str]:
    lines = ["[sources]"]
    for item in found:
        if item.url:
            lines.append(f"{item.tool.value} = {toml_value(item.url)}  # {item.note}")
        else:
            lines.append(f"# {item.tool.value}: not found: {item.note}")
    if not any(item.url for item in found):
        lines.append(
            "# no observability source found: scenarios can still watch http, tcp, logs "
            "(compose logs),"
        )
        lines.append("# redis and sql signals, which need nothing here")
    return lines


READINESS = [  # commented out: the team points them at its own register and API reference
    "# The readiness gate's inputs (`drillctl security review`, `drillctl changes`); the shapes",
    "# to copy: drillctl's examples/security/ and compose/api-reference/.",
    "# [readiness]",
    '# security_register = "security-register.md"',
    '# repo = "."',
    '# api_reference = "docs/api"',
    '# migrations = "prisma/migrations"',
]


def render_config(
    project: Project, found: list[Found], scenarios_dir: str, starter: Starter | None
) -> str:
    width = max((len(s.name) for s in project.services), default=8)
    header = [
        f"# drillctl configuration for the compose project {project.name!r}, "
        "written by `drillctl init`.",
        f"# Read from {project.how}.",
        "# Paths are relative to this file. Every key can be overridden by "
        "DRILLCTL_<SECTION>_<KEY> or a flag.",
        "",
    ]
    drill = [
        "[drill]",
        f"scenarios_dir = {toml_value(scenarios_dir)}",
        "# runs, the lock and the history live in .drillctl/ next to this file "
        "(state_dir moves them)",
    ]
    if starter:
        drill.append(
            f"# starter drill: {scenarios_dir}/{starter.file_name} (stops {starter.service})"
        )
    services = ["# Services found:", *(_service_line(s, width) for s in project.services)]
    body = [*_project_section(project), "", *_sources_section(found), "", *drill, "", *READINESS]
    body += ["", *services]
    return "\n".join(header + body) + "\n"


def render_scenario(starter: Starter, project: Project, path_hint: str) -> str:
    header = [
        f"# Starter drill written by `drillctl init` for the compose project {project.name!r}.",
        f"# Check it:  drillctl validate {path_hint}",
        f"# Plan:      drillctl run {path_hint} --dry-run",
        f"# Run it:    drillctl run {path_hint}   (add --non-interactive for CI)",
        *(f"# TODO: {note}" for note in starter.notes),
    ]
    parts = ["\n".join(header)]
    for key, value in starter.doc.items():
        comments = [f"# {line}" for line in starter.comments.get(key, [])]
        dumped = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=1000)
        parts.append("\n".join([*comments, dumped.rstrip("\n")]))
    return "\n".join(parts) + "\n"
