"""The gateway's per-source token bucket (compose/app/ebit_lab/throttle.py), with a fake clock."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "compose" / "app"))

from ebit_lab.throttle import HandshakeThrottler


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_accepted_then_refused_with_the_wait_until_the_next_token() -> None:
    throttler = HandshakeThrottler(rate=5, burst=20, clock=FakeClock())
    results = [throttler.allow("172.18.0.1") for _ in range(25)]
    assert [ok for ok, _ in results].count(True) == 20
    assert results[-1] == (False, 0.2)


def test_over_t_seconds_one_source_gets_at_most_burst_plus_rate_times_t() -> None:
    clock = FakeClock()
    throttler = HandshakeThrottler(rate=5, burst=20, clock=clock)
    accepted = 0
    for step in range(1000):  # a tight loop: one handshake every 10 ms for 10 s
        clock.now = step / 100
        accepted += throttler.allow("172.18.0.1")[0]
    assert accepted <= 20 + 5 * 10


def test_sources_have_separate_buckets() -> None:
    throttler = HandshakeThrottler(rate=1, burst=2, clock=FakeClock())
    for _ in range(10):
        throttler.allow("172.18.0.1")  # the host's storm, through the gateway address
    assert throttler.allow("172.18.0.9")[0]  # the smoke container still gets in
