"""``init`` as a command: inspect, decide, write the files (asking before overwriting), report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from drillctl.core.config_layers import CONFIG_NAME
from drillctl.core.errors import ConfigError
from drillctl.init.compose_source import Runner, load_project, run_argv
from drillctl.init.model import Project, Tool
from drillctl.init.render import render_config, render_scenario
from drillctl.init.sources import Found, find_sources
from drillctl.init.starter import Starter, build_starter, choose_service
from drillctl.init.swarm_stack import find_stack, swarm_note

Confirm = Callable[[Path], bool]  # "overwrite this file?"


@dataclass(frozen=True)
class InitResult:
    project: Project
    found: list[Found]
    config_path: Path
    scenario_path: Path | None
    starter: Starter | None
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existing files the user chose to keep
    notes: list[str] = field(default_factory=list)

    @property
    def has_prometheus(self) -> bool:
        return any(f.tool is Tool.PROMETHEUS and f.url for f in self.found)


def _starter(
    project: Project, service: str | None, prometheus: bool
) -> tuple[Starter | None, list[str]]:
    try:
        chosen = choose_service(project, service)
    except ConfigError as exc:
        if service:
            raise
        return None, [f"no starter drill written: {exc.message}"]
    return build_starter(project, chosen, prometheus=prometheus), []


def write_text(path: Path, text: str, *, yes: bool, confirm: Confirm) -> str:
    """Write unless an existing, different file is kept: 'written', 'unchanged' or 'kept'."""
    if path.is_file():
        if path.read_text(encoding="utf-8") == text:
            return "unchanged"
        if not yes and not confirm(path):
            return "kept"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return "written"


def init_project(
    project_dir: Path,
    *,
    files: Sequence[Path] = (),
    service: str | None = None,
    scenarios_dir: str = "drills",
    yes: bool = False,
    confirm: Confirm = lambda _path: False,
    run: Runner = run_argv,
) -> InitResult:
    """Inspect the compose project in ``project_dir``; write drillctl.toml and a starter drill."""
    project = load_project(project_dir, files, run)
    stack = find_stack(project, run)
    if stack:
        project = replace(project, name=stack, driver="swarm")
    found = find_sources(project)
    prometheus = any(f.tool is Tool.PROMETHEUS and f.url for f in found)
    starter, notes = _starter(project, service, prometheus)
    config_path = project.dir / CONFIG_NAME
    texts = {config_path: render_config(project, found, scenarios_dir, starter)}
    scenario_path = None
    if starter:
        scenario_path = project.dir / scenarios_dir / starter.file_name
        texts[scenario_path] = render_scenario(
            starter, project, f"{scenarios_dir}/{starter.file_name}"
        )
        notes += starter.notes
    if stack:
        notes.append(swarm_note(stack, project.dir))
    outcome: dict[str, list[Path]] = {"written": [], "unchanged": [], "kept": []}
    for path, text in texts.items():
        outcome[write_text(path, text, yes=yes, confirm=confirm)].append(path)
    return InitResult(project, found, config_path, scenario_path, starter, notes=notes, **outcome)
