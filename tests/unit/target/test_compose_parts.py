from __future__ import annotations

import asyncio
import stat
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from drillctl.core.clock import FakeClock
from drillctl.core.errors import ConfigError
from drillctl.target.base import ContainerEvent, is_up
from drillctl.target.compose import parse_log_line, service_state
from drillctl.target.compose_files import project_files, write_env_override
from drillctl.target.events import follow_container_events, journal_event, to_event
from drillctl.target.memory import MemoryDriver


def test_default_files_are_found_like_compose_does(tmp_path):
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    assert project_files(tmp_path, []) == [tmp_path / "compose.yaml"]
    (tmp_path / "compose.override.yaml").write_text("services: {}\n")
    assert project_files(tmp_path, []) == [
        tmp_path / "compose.yaml",
        tmp_path / "compose.override.yaml",
    ]
    assert project_files(tmp_path, [Path("compose.yaml")]) == [tmp_path / "compose.yaml"]


def test_missing_files_are_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no compose file"):
        project_files(tmp_path, [])
    with pytest.raises(ConfigError, match="not found"):
        project_files(tmp_path, [Path("nope.yaml")])


def test_the_override_is_private_and_keeps_dollars_literal(tmp_path):
    path = write_env_override(tmp_path / "o" / "env.yaml", "api", {"PW": "a$b$$c", "X": "1"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = yaml.safe_load(path.read_text())
    assert doc == {"services": {"api": {"environment": {"PW": "a$$b$$$$c", "X": "1"}}}}


def _container(status, health=None):
    state = {"Health": {"Status": health}} if health else {}
    return SimpleNamespace(status=status, attrs={"State": state})


def test_service_state_from_containers():
    assert service_state("a", []).state == "missing"
    one = service_state("a", [_container("running", "healthy")])
    assert (one.state, one.running, one.health) == ("running", 1, "healthy") and is_up(one)
    mixed = service_state("a", [_container("running"), _container("exited")])
    assert (mixed.state, mixed.running, mixed.containers) == ("mixed", 1, 2) and not is_up(mixed)
    assert not is_up(service_state("a", [_container("running", "starting")]))


def test_log_lines_keep_their_timestamp():
    line = parse_log_line("api", "2026-01-02T03:04:05.123456789Z GET /x 200")
    assert line.at == datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert line.text == "GET /x 200"
    assert parse_log_line("api", "no stamp").at is None


def test_events_carry_the_engines_own_time():
    clock = FakeClock()
    raw = {
        "Action": "die",
        "time": 1,
        "Actor": {
            "ID": "abcdef1234567890",
            "Attributes": {"com.docker.compose.service": "ebit-api"},
        },
    }
    event = to_event(raw, clock)
    assert event == ContainerEvent("ebit-api", "die", clock.now(), "abcdef123456")
    assert journal_event(event).at == clock.now().isoformat()


def test_follow_hands_every_event_to_the_sink():
    clock = FakeClock()
    events = [ContainerEvent("api", a, clock.now(), "c1") for a in ("die", "start")]

    class Driver(MemoryDriver):
        def events(self, since):
            return iter(events)

    seen: list[ContainerEvent] = []
    asyncio.run(follow_container_events(Driver(), clock.now(), seen.append))
    assert seen == events
