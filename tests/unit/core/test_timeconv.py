from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from drillctl.core.timeconv import (
    from_unix_ns,
    from_unix_s,
    from_unix_us,
    parse_rfc3339,
    to_grafana_ms,
    to_jaeger_us,
    to_loki_ns,
    to_prom_s,
    to_rfc3339,
)

# 2024-05-01T10:00:00.123456Z
AT = datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
EPOCH_S = 1714557600


def test_each_api_gets_its_own_unit_for_one_instant() -> None:
    assert to_prom_s(AT) == pytest.approx(EPOCH_S + 0.123456)
    assert to_loki_ns(AT) == EPOCH_S * 1_000_000_000 + 123_456_000
    assert to_jaeger_us(AT) == EPOCH_S * 1_000_000 + 123_456
    assert to_grafana_ms(AT) == EPOCH_S * 1000 + 123


def test_loki_nanoseconds_have_more_than_ten_digits_so_loki_never_reads_seconds() -> None:
    assert len(str(to_loki_ns(AT))) > 10


def test_an_instant_in_another_zone_converts_to_the_same_numbers() -> None:
    paris = AT.astimezone(timezone(timedelta(hours=2)))
    assert to_loki_ns(paris) == to_loki_ns(AT)
    assert to_grafana_ms(paris) == to_grafana_ms(AT)
    assert to_rfc3339(paris) == "2024-05-01T10:00:00.123456Z"


@pytest.mark.parametrize("helper", [to_prom_s, to_loki_ns, to_jaeger_us, to_grafana_ms, to_rfc3339])
def test_naive_datetimes_are_refused(helper: object) -> None:
    with pytest.raises(ValueError, match="naive"):
        helper(datetime(2024, 5, 1, 10, 0, 0))  # type: ignore[operator]


def test_from_unix_helpers_invert_the_to_helpers() -> None:
    assert from_unix_ns(to_loki_ns(AT)) == AT
    assert from_unix_ns(str(to_loki_ns(AT))) == AT  # Loki sends nanoseconds as strings
    assert from_unix_us(to_jaeger_us(AT)) == AT
    assert from_unix_us(str(to_jaeger_us(AT))) == AT
    assert from_unix_s(EPOCH_S) == datetime(2024, 5, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.000Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456789Z", AT),  # Go's nanoseconds, cut to microseconds
        ("2024-05-01T10:00:00.1Z", datetime(2024, 5, 1, 10, 0, 0, 100000, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        # Prometheus activeAt keeps the server's offset after a fraction (api-contracts.md §1)
        ("2018-07-04T20:27:12.60602144+02:00", datetime(2018, 7, 4, 18, 27, 12, 606021, UTC)),
        ("2024-05-01T07:00:00.5-03:00", datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_parse_rfc3339(text: str, expected: datetime) -> None:
    parsed = parse_rfc3339(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


def test_go_zero_time_means_no_time() -> None:
    assert parse_rfc3339("0001-01-01T00:00:00Z") is None


def test_rfc3339_round_trip() -> None:
    assert parse_rfc3339(to_rfc3339(AT)) == AT
