"""The ``docker`` command line: the one place that runs the ``docker`` binary.

The drivers talk to the engine through the SDK; what the SDK does not do goes through here: the
reference lab's ``docker compose`` verbs (``lab/``), the configuration Compose itself reads for
``drillctl init``, and the swarm stacks ``init`` looks for. Every call is an argv list (no shell);
a failure becomes a :class:`~drillctl.core.errors.TargetError` with the tail of Docker's message,
or, for ``init``'s probes, an answer that says why (``init`` falls back to reading the YAML).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drillctl.core.errors import TargetError

PROBE_TIMEOUT_S = 60  # init's probes: an engine that does not answer in a minute is not there

# how init runs a probe (injected, so its unit tests answer without Docker)
Runner = Callable[[list[str], Path], "subprocess.CompletedProcess[str]"]


def run(
    argv: list[str], env: Mapping[str, str], *, timeout: float | None = None, capture: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (``docker ...``, or the lab's prerequisites script) with ``env``."""
    return subprocess.run(  # noqa: S603 - argv list built by the caller, no shell
        argv, env=env, capture_output=capture, text=True, timeout=timeout, check=False
    )


def run_argv(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """init's runner: ``argv`` in ``cwd``, output captured, a minute at most."""
    return subprocess.run(  # noqa: S603 - argv list, no shell
        argv, cwd=cwd, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False
    )


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def docker(args: Sequence[str], env: Mapping[str, str], timeout: float = 60) -> str:
    """``docker ARGS``' output; a ``TargetError`` with Docker's own words if it failed."""
    done = run(["docker", *args], env, timeout=timeout)
    if done.returncode != 0:
        raise TargetError(f"`docker {' '.join(args)}` failed:\n{tail(done.stderr or done.stdout)}")
    return done.stdout


def engine_answers(env: Mapping[str, str], hint: str) -> None:
    """The Docker engine answers; else a ``TargetError`` saying why, with ``hint``."""
    try:
        done = run(["docker", "info", "--format", "{{.ServerVersion}}"], env, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TargetError(f"Docker is not usable here: {exc}", hint=hint) from exc
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no answer"]
        raise TargetError(f"Docker engine unreachable: {reason[0]}", hint=hint)


def image_exists(image: str, env: Mapping[str, str]) -> bool:
    argv = ["docker", "image", "inspect", "--format", "{{.Id}}", image]
    return run(argv, env, timeout=60).returncode == 0


@dataclass(frozen=True)
class ComposeCli:
    """``docker compose`` on one project: ``-p NAME --project-directory DIR -f FILE...``."""

    project: str
    project_dir: Path
    files: Sequence[Path]
    env: Mapping[str, str]

    def args(self) -> list[str]:
        """The argv prefix of every compose call on this project."""
        args = ["docker", "compose", "-p", self.project]
        args += ["--project-directory", str(self.project_dir)]
        return args + [a for file in self.files for a in ("-f", str(file))]

    def __call__(self, args: Sequence[str], timeout: float = 120) -> str:
        """``docker compose ARGS``' output; a ``TargetError`` if it failed or took too long."""
        try:
            done = run([*self.args(), *args], self.env, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise TargetError(
                f"`docker compose {' '.join(args)}` took more than {timeout:.0f} s"
            ) from exc
        if done.returncode != 0:
            raise TargetError(
                f"`docker compose {' '.join(args)}` failed:\n{tail(done.stderr or done.stdout)}"
            )
        return done.stdout

    def stream(self, args: Sequence[str]) -> int:
        """Run ``docker compose ARGS`` with this process's stdout; its exit code."""
        return run([*self.args(), *args], self.env, capture=False).returncode

    def ps(self, args: Sequence[str] = ()) -> list[dict[str, Any]]:
        """``compose ps --all --format json``: one object a container."""
        return json_items(self([*args, "ps", "--all", "--format", "json"]))


def json_items(text: str) -> list[dict[str, Any]]:
    """``compose ps --format json`` prints one object per line (v2.21+) or one array (older)."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def compose_config(
    project_dir: Path, files: Sequence[Path], run: Runner = run_argv
) -> tuple[dict[str, Any] | None, str]:
    """The project's configuration as Compose reads it (every profile), or None and why not."""
    base = ["docker", "compose", "--project-directory", str(project_dir)]
    base += [a for f in files for a in ("-f", str(f))]
    reason = "docker compose failed"
    for extra in (["--profile", "*"], []):  # every profile; older Compose rejects "*"
        try:
            done = run([*base, *extra, "config", "--format", "json"], project_dir)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"docker compose not runnable: {exc}"
        if done.returncode == 0:
            return json.loads(done.stdout), "docker compose config"
        reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return None, reason


def output_lines(run: Runner, args: list[str], cwd: Path) -> list[str]:
    """``docker ARGS``' output lines; none when docker is missing, fails or refuses."""
    try:
        done = run(["docker", *args], cwd)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]
