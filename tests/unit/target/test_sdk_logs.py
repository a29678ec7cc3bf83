"""Container logs read through the Engine API (target/sdk_logs.py), against fake containers
answering as the docker SDK does: bytes of ``--timestamps`` lines, NotFound once removed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import docker.errors
import pytest

from drillctl.core.errors import TargetError
from drillctl.target.sdk_logs import containers_logs

SINCE = datetime(2026, 12, 7, 17, 0, 0, 250000, tzinfo=UTC)
UNTIL = datetime(2026, 12, 7, 17, 0, 30, tzinfo=UTC)


class FakeContainer:
    def __init__(self, answer: bytes | Exception) -> None:
        self.answer = answer
        self.asked: dict[str, Any] = {}

    def logs(self, **kw: Any) -> bytes:
        self.asked = kw
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_lines_of_every_container_come_oldest_first_with_their_timestamps() -> None:
    first = FakeContainer(b"2026-12-07T17:00:03.5Z b\n2026-12-07T17:00:09.000000001Z d\n")
    second = FakeContainer(b"2026-12-07T17:00:01Z a\n\n2026-12-07T17:00:05Z c\n")
    lines = containers_logs("ebit-api", [first, second], SINCE, UNTIL)
    assert [line.text for line in lines] == ["a", "b", "c", "d"]
    assert lines[0].at == datetime(2026, 12, 7, 17, 0, 1, tzinfo=UTC)
    assert {line.service for line in lines} == {"ebit-api"}
    # fractional seconds: the engine would round an int since down and repeat old lines
    assert first.asked == {
        "stdout": True,
        "stderr": True,
        "timestamps": True,
        "since": SINCE.timestamp(),
        "until": UNTIL.timestamp(),
    }


def test_a_container_removed_meanwhile_has_no_lines_and_an_engine_error_is_a_target_error() -> None:
    gone = FakeContainer(docker.errors.NotFound("No such container: 3f2a"))
    assert containers_logs("ebit-api", [gone], SINCE, None) == []
    assert "until" not in gone.asked
    broken = FakeContainer(docker.errors.APIError("500 Server Error: log driver none"))
    with pytest.raises(TargetError, match="cannot read the logs of ebit-api: 500 Server Error"):
        containers_logs("ebit-api", [broken], SINCE, None)
