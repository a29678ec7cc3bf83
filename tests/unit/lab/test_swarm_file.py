"""The swarm stack file generated from the lab's compose config (what `stack deploy` gets)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from drillctl.lab.swarm_file import EDGE, stack_document
from drillctl.lab.swarm_stack import _service_status
from drillctl.target.swarm_spec import PROFILE_LABEL

LAB = Path(__file__).resolve().parents[3] / "compose"


@pytest.fixture(scope="module")
def document() -> dict:
    """From the real compose file, through `docker compose config` (ports moved by env)."""
    env = {"PATH": "/usr/bin:/bin", "EBIT_LAB_EBIT_API_PORT": "63080"}
    out = subprocess.run(
        ["docker", "compose", "--project-directory", str(LAB), "-f", str(LAB / "compose.yaml"),
         "--profile", "smoke", "config", "--format", "json"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout  # fmt: skip
    return stack_document(json.loads(out), LAB / "swarm")


def test_api_runs_two_dnsrr_replicas_behind_the_edge_which_publishes_its_port(document) -> None:
    api, edge = document["services"]["ebit-api"], document["services"][EDGE]
    assert api["deploy"]["replicas"] == 2 and api["deploy"]["endpoint_mode"] == "dnsrr"
    assert "ports" not in api  # two tasks on one node cannot bind one host port
    assert edge["ports"] == [
        {"target": 8080, "published": 63080, "protocol": "tcp", "mode": "host"}
    ]


def test_every_port_is_host_mode_and_only_what_drillctl_reaches_is_published(document) -> None:
    published = {n for n, s in document["services"].items() if s.get("ports")}
    assert published == {EDGE, "prometheus", "alertmanager", "ebit-redis-cache", "ebit-postgres"}
    modes = {p["mode"] for s in document["services"].values() for p in s.get("ports", [])}
    assert modes == {"host"}


def test_smoke_waits_at_zero_replicas_with_its_profile_and_goes_through_the_edge(document) -> None:
    smoke = document["services"]["smoke"]
    assert smoke["deploy"]["replicas"] == 0
    assert smoke["deploy"]["labels"] == {PROFILE_LABEL: "smoke"}
    assert smoke["environment"]["API_URL"] == f"http://{EDGE}:8080"


def test_prometheus_reads_the_swarm_config_and_full_observability_is_left_out(document) -> None:
    prometheus = document["services"]["prometheus"]
    assert "--config.file=/etc/ebit-lab/swarm/prometheus.yml" in prometheus["command"]
    assert f"{LAB / 'swarm'}:/etc/ebit-lab/swarm:ro" in prometheus["volumes"]
    assert not {"grafana", "loki", "jaeger", "promtail"} & set(document["services"])


def test_what_swarm_ignores_is_dropped(document) -> None:
    for spec in document["services"].values():
        assert not {"build", "depends_on", "restart", "profiles"} & set(spec)


def test_swarm_prometheus_discovers_each_task_through_dns() -> None:
    import yaml

    config = yaml.safe_load((LAB / "swarm" / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert jobs["ebit-api"]["dns_sd_configs"][0]["names"] == ["tasks.ebit-api"]


@pytest.mark.parametrize(
    ("replicas", "state"), [("2/2", "running"), ("1/2", "starting"), ("0/0", "scaled to 0")]
)
def test_stack_services_line_to_status(replicas: str, state: str) -> None:
    status = _service_status("lab", {"Name": "lab_ebit-api", "Replicas": replicas})
    assert (status.service, status.state, status.container) == ("ebit-api", state, replicas)
