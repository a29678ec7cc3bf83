from __future__ import annotations

import hashlib
import json

import pytest

from drillctl.config import load_settings
from drillctl.core.errors import ConfigError
from drillctl.target.factory import build_driver
from drillctl.target.safety import DockerEndpoint, check_endpoint, is_local, resolve_endpoint


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "unix:///var/run/docker.sock",
        "tcp://127.0.0.1:2375",
        "tcp://localhost:2376",
        "tcp://[::1]:2375",
        "npipe:////./pipe/docker_engine",
        "tcp://127.8.0.1:1",
    ],
)
def test_local_engines(host):
    assert is_local(host)


@pytest.mark.parametrize(
    "host", ["ssh://ci-host", "tcp://10.0.0.5:2376", "tcp://docker.example:2375"]
)
def test_remote_engines(host):
    assert not is_local(host)


def test_a_remote_docker_host_is_refused_naming_the_setting():
    endpoint = resolve_endpoint({"DOCKER_HOST": "ssh://ci-host"})
    with pytest.raises(ConfigError) as caught:
        check_endpoint(endpoint, [])
    text = str(caught.value)
    assert "DOCKER_HOST=ssh://ci-host" in text
    assert "safety.allowed_docker_hosts" in text
    assert int(caught.value.exit_code) == 2


def test_an_allowed_remote_host_passes():
    check_endpoint(DockerEndpoint(host="ssh://ci-host", source="DOCKER_HOST"), ["ssh://ci-host"])


def _context(tmp_path, name, host, current=True):
    meta = tmp_path / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps({"Name": name, "Endpoints": {"docker": {"Host": host}}})
    )
    if current:
        (tmp_path / "config.json").write_text(json.dumps({"currentContext": name}))


def test_the_current_docker_context_is_read_from_the_store(tmp_path):
    _context(tmp_path, "ci", "ssh://builder")
    endpoint = resolve_endpoint({"DOCKER_CONFIG": str(tmp_path)})
    assert endpoint == DockerEndpoint(
        host="ssh://builder", source="docker context ci", context="ci"
    )
    with pytest.raises(ConfigError, match="docker context ci"):
        check_endpoint(endpoint, [])
    check_endpoint(endpoint, ["ci"])  # by context name


def test_docker_context_env_wins_over_config_and_docker_host_over_both(tmp_path):
    _context(tmp_path, "ci", "ssh://builder")
    _context(tmp_path, "local", "unix:///var/run/docker.sock", current=False)
    env = {"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "local"}
    assert resolve_endpoint(env).host == "unix:///var/run/docker.sock"
    assert resolve_endpoint({**env, "DOCKER_HOST": "tcp://127.0.0.1:1"}).source == "DOCKER_HOST"


def test_default_context_is_local(tmp_path):
    assert resolve_endpoint({"DOCKER_CONFIG": str(tmp_path)}) == DockerEndpoint(None, "default")


def test_the_factory_refuses_before_building_anything(tmp_path):
    settings = load_settings(env={}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="allowed_docker_hosts"):
        build_driver(settings, env={"DOCKER_HOST": "tcp://10.1.2.3:2375"}, cwd=tmp_path)


def test_the_factory_knows_its_drivers(tmp_path):
    settings = load_settings(env={}, cwd=tmp_path, overrides={"project": {"driver": "k8s"}})
    with pytest.raises(ConfigError, match="unknown target driver 'k8s'"):
        build_driver(settings, env={}, cwd=tmp_path)
