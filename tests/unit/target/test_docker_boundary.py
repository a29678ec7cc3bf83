"""The target driver is the whole boundary: no module above ``target/`` runs ``docker`` itself.

Read from the source (AST), so a new ``subprocess.run(["docker", ...])`` in ``lab/`` or ``init/``
fails here rather than in a second driver's review. ``faults/_process.py`` runs the host-command
fault's own process (not docker); ``drill/`` holds only re-export shims.
"""

from __future__ import annotations

import ast
from pathlib import Path

import drillctl

PACKAGE = Path(drillctl.__file__).parent
RUNS_HOST_PROCESSES = {"faults/_process.py"}


def _above_target() -> list[Path]:
    skipped = ("target/", "drill/", "builtin/")
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if not p.relative_to(PACKAGE).as_posix().startswith(skipped)
    ]


def _docker_argv(tree: ast.AST) -> list[int]:
    """Lines of a list literal that starts with "docker": an argv about to be run."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.List)
        and node.elts
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value == "docker"
    ]


def _imports_subprocess(tree: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Import) and any(a.name == "subprocess" for a in n.names))
        or (isinstance(n, ast.ImportFrom) and n.module == "subprocess")
        for n in ast.walk(tree)
    )


def test_no_module_above_target_builds_a_docker_argv_or_runs_a_process() -> None:
    argv, processes = [], []
    for path in _above_target():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(PACKAGE).as_posix()
        argv += [f"{name}:{line}" for line in _docker_argv(tree)]
        if _imports_subprocess(tree) and name not in RUNS_HOST_PROCESSES:
            processes.append(name)
    assert argv == [] and processes == []


def test_the_check_sees_a_docker_argv() -> None:
    assert _docker_argv(ast.parse('run(["docker", "compose", "ps"])')) == [1]
    assert _imports_subprocess(ast.parse("from subprocess import run"))


def test_the_driver_words_a_command_a_person_runs_by_hand(tmp_path: Path) -> None:
    from drillctl.target.compose import ComposeDriver, ComposeProject
    from drillctl.target.memory import MemoryDriver

    files = [tmp_path / "compose.yaml", tmp_path / "more.yaml"]
    compose = ComposeDriver(ComposeProject(tmp_path, files, "shop"))
    assert compose.command_line("unpause", "api") == (
        f"`docker compose -p shop -f {files[0]} -f {files[1]} unpause api`"
    )
    memory = MemoryDriver().command_line("unpause", "api")
    assert memory.startswith("`unpause api` with the tools of the") and "docker" not in memory
