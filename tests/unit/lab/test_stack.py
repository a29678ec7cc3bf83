"""LabStack without Docker: the compose argv prefix, endpoints from EBIT_LAB_<NAME>_PORT, errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from drillctl.core.errors import TargetError
from drillctl.lab import stack as stack_module
from drillctl.lab.endpoints import DEFAULT_PORTS, LabEndpoints
from drillctl.lab.stack import LabStack, default_lab_dir
from drillctl.target.docker_cli import json_items

COMPOSE = Path(__file__).resolve().parents[3] / "compose"


def test_compose_args_name_the_project_directory_and_files() -> None:
    stack = LabStack("ebit-lab", env={})
    assert stack.compose_args() == [
        "docker",
        "compose",
        "-p",
        "ebit-lab",
        "--project-directory",
        str(COMPOSE),
        "-f",
        str(COMPOSE / "compose.yaml"),
    ]
    assert stack.project_dir == COMPOSE
    assert stack.compose_files == [COMPOSE / "compose.yaml"]


def test_default_endpoints_match_the_team_brief() -> None:
    ep = LabEndpoints.from_env({})
    assert ep.api_url == "http://127.0.0.1:18080"
    assert ep.prometheus_url == "http://127.0.0.1:19090"
    assert ep.alertmanager_url == "http://127.0.0.1:19093"
    assert (ep.redis_host, ep.redis_port, ep.redis_password) == ("127.0.0.1", 16379, "cache")
    assert ep.postgres_dsn == "postgresql://ebit:ebit@127.0.0.1:15432/ebit"
    assert ep.exporter_url == "http://127.0.0.1:19400"
    assert ep.redis_exporter_url == "http://127.0.0.1:19121"


def test_every_port_can_be_moved_by_env() -> None:
    env = {f"EBIT_LAB_{name}_PORT": str(40000 + i) for i, name in enumerate(DEFAULT_PORTS)}
    stack = LabStack("other", env=env)
    assert stack.endpoints.api_url == "http://127.0.0.1:40000"
    assert stack.endpoints.jaeger_url.endswith(f":{40000 + len(DEFAULT_PORTS) - 1}")
    assert stack.env["EBIT_LAB_REDIS_PORT"] == env["EBIT_LAB_REDIS_PORT"]  # passed to compose


def test_endpoints_are_frozen() -> None:
    with pytest.raises(AttributeError):
        LabEndpoints.from_env({}).api_url = "x"  # type: ignore[misc]


def test_an_unreachable_engine_is_a_target_error_with_a_hint() -> None:
    stack = LabStack("ebit-lab", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    with pytest.raises(TargetError) as caught:
        stack.ensure_docker()
    assert "unreachable" in str(caught.value) and "lab-prereqs" in str(caught.value)


def test_compose_ps_json_lines_and_arrays_both_parse() -> None:
    assert json_items('{"Service":"a"}\n{"Service":"b"}\n') == [{"Service": "a"}, {"Service": "b"}]
    assert json_items('[{"Service":"a"}]') == [{"Service": "a"}]
    assert json_items("") == []


def test_the_wheelhouse_is_built_with_the_interpreter_drillctl_runs_under() -> None:
    env = LabStack("ebit-lab", env={"DRILLCTL_PYTHON": "/elsewhere/python"}).prereqs_env()
    assert env["DRILLCTL_PYTHON"] == sys.executable


def test_an_installed_drillctl_drives_the_lab_of_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a checkout (a wheel in site-packages), the lab is ./compose of the clone's root."""
    monkeypatch.delenv("EBIT_LAB_DIR", raising=False)
    installed = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "drillctl" / "lab"
    monkeypatch.setattr(stack_module, "__file__", str(installed / "stack.py"))
    assert default_lab_dir(cwd=tmp_path / "clone") == tmp_path / "clone" / "compose"
    monkeypatch.setenv("EBIT_LAB_DIR", str(tmp_path / "lab"))
    assert default_lab_dir(cwd=tmp_path / "clone") == tmp_path / "lab"


def test_the_checkout_lab_wins_for_an_editable_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EBIT_LAB_DIR", raising=False)
    assert default_lab_dir(cwd=Path("/somewhere/else")) == COMPOSE


def test_a_missing_lab_folder_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(TargetError) as caught:
        LabStack("ebit-lab", env={}, project_dir=tmp_path / "compose").ensure_docker()
    assert "no reference lab at" in str(caught.value)
    assert "EBIT_LAB_DIR" in str(caught.value)
