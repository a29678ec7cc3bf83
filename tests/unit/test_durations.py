from datetime import timedelta

import pytest

from drillctl.core.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("500ms", 0.5), ("60s", 60), ("5m", 300), ("1h30m", 5400), ("1.5s", 1.5)],
)
def test_parses_durations_with_units(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "reason"), [("60", "unit"), ("-5s", "negative"), ("1y", "unit"), ("", "unit")]
)
def test_refuses_bad_durations(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration(text)


def test_format_round_trips() -> None:
    for text, shown in (("500ms", "500ms"), ("60s", "1m"), ("90s", "90s"), ("2h", "2h")):
        assert format_duration(parse_duration(text)) == shown
        assert parse_duration(shown) == parse_duration(text)
