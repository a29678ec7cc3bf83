"""Is this compose project deployed as a swarm stack on this engine? Then init sets up the swarm
driver (``driver = "swarm"``, ``name`` = the stack) instead of compose.

``docker stack deploy`` keeps no trace of the file it read, so a stack is recognised by its
services: one whose short names include every service the compose file starts by default. Not a
manager (or no swarm): no stack, compose as before.
"""

from __future__ import annotations

from pathlib import Path

from drillctl.init.model import Project
from drillctl.target.docker_cli import Runner, output_lines


def find_stack(project: Project, run: Runner) -> str | None:
    """The stack deployed from this project, preferring one named as the project; else None."""
    wanted = {s.name for s in project.services if not s.profiles}
    if not wanted:
        return None
    stacks = output_lines(run, ["stack", "ls", "--format", "{{.Name}}"], project.dir)
    stacks.sort(key=lambda name: name != project.name)
    for stack in stacks:
        args = ["stack", "services", stack, "--format", "{{.Name}}"]
        names = {n.removeprefix(f"{stack}_") for n in output_lines(run, args, project.dir)}
        if wanted <= names:
            return stack
    return None


def swarm_note(stack: str, directory: Path) -> str:
    return (
        f"the services of {directory.name} run as the swarm stack {stack!r}: "
        'drillctl.toml uses driver = "swarm" (docs/swarm.md)'
    )
