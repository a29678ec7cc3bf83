"""``drillctl doctor --format json``: the envelope, with Jaeger answering from a local fake, not
answering, and not configured at all (#17: never "ok" for a source that is not there)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.core.errors import TargetError

CONFIG = '[project]\nname = "drillctl-doctor-unit"\n'


@pytest.fixture(autouse=True)
def no_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own drillctl.toml, no DRILLCTL_* from outside, and no Docker: compose fails, no logs."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    (tmp_path / "drillctl.toml").write_text(CONFIG)

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise TargetError("docker is not reachable from this test")

    monkeypatch.setattr("drillctl.target.factory.build_driver", refuse)


def doctor_json(*env_pairs: tuple[str, str]) -> tuple[int, dict[str, Any]]:
    done = CliRunner().invoke(app, ["doctor", "--format", "json"], env=dict(env_pairs))
    return done.exit_code, json.loads(done.stdout)


def row(envelope: dict[str, Any], component: str) -> dict[str, Any]:
    [found] = [c for c in envelope["checks"] if c["component"] == component]
    return found


def test_nothing_configured_reads_not_configured_for_every_source() -> None:
    code, envelope = doctor_json()
    assert (envelope["schema_version"], envelope["kind"]) == (1, "drillctl.doctor")
    assert envelope["scenario"] is None
    for name in ("alertmanager", "grafana", "jaeger", "loki", "prometheus"):
        assert row(envelope, name) == {
            "component": name,
            "item": "-",
            "status": "not configured",
            "detail": f"set [sources] {name} in drillctl.toml or DRILLCTL_SOURCES_{name.upper()}",
            "required": False,
        }
    compose = row(envelope, "compose")
    assert compose["status"] == "fail" and "docker is not reachable" in compose["detail"]
    assert (code, envelope["ready"], envelope["not_ready"]) == (1, False, ["compose project"])


def test_a_jaeger_that_answers_is_ok(httpserver: HTTPServer) -> None:
    # api-contracts.md §4: GET /api/v3/services -> {"services": [...]}
    httpserver.expect_request("/api/v3/services").respond_with_json({"services": ["ebit-api"]})
    _code, envelope = doctor_json(("DRILLCTL_SOURCES_JAEGER", httpserver.url_for("/")))
    jaeger = row(envelope, "jaeger")
    assert (jaeger["item"], jaeger["status"]) == ("reachable", "ok")
    assert jaeger["detail"] == "version api_v3, services 1"


def test_a_jaeger_that_errors_is_unavailable_with_why(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/services").respond_with_data(
        "upstream connect error", status=503
    )
    _code, envelope = doctor_json(("DRILLCTL_SOURCES_JAEGER", httpserver.url_for("/")))
    jaeger = row(envelope, "jaeger")
    assert jaeger["status"] == "fail"
    assert jaeger["detail"].startswith("unavailable: HTTP 503")


def test_a_jaeger_nobody_listens_on_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    _code, envelope = doctor_json(("DRILLCTL_SOURCES_JAEGER", closed))
    jaeger = row(envelope, "jaeger")
    assert jaeger["status"] == "fail" and jaeger["detail"].startswith("unavailable: ")
    assert "ok" not in {c["status"] for c in envelope["checks"]}


def test_text_output_names_the_unconfigured_sources() -> None:
    done = CliRunner().invoke(app, ["doctor"], env={"COLUMNS": "200"})
    assert done.exit_code == 1
    cells = [line.replace("│", " ").split() for line in done.stdout.splitlines()]
    jaeger = [" ".join(c) for c in cells if c[:1] == ["jaeger"]]
    assert len(jaeger) == 1 and "not configured" in jaeger[0] and "ok" not in jaeger[0].split()
    assert "not ready: compose project" in done.stdout
