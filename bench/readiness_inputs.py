"""How long drillctl takes to read the readiness inputs a drill consults at its start: the lab's API
reference (version log, four OpenAPI snapshots validated, three diffs, migrations) and the sample
security register (markdown-it-py, every source link checked). Prints the median of N rounds;
asserts nothing.

    .venv/bin/python bench/readiness_inputs.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from drillctl.readiness.api_changes import read_changes
from drillctl.readiness.security_review import review

REPO = Path(__file__).resolve().parents[1]


def _median_ms(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    reference = REPO / "compose" / "api-reference"
    migrations = REPO / "compose" / "prisma" / "migrations"
    register = REPO / "examples" / "security" / "security-register.md"
    sources = REPO / "examples" / "security" / "repo"
    first = time.perf_counter()
    read_changes(reference, migrations)
    warm = (time.perf_counter() - first) * 1000
    changes = _median_ms(lambda: read_changes(reference, migrations), rounds)
    register_ms = _median_ms(lambda: review(register, sources), rounds)
    print(f"api reference, first read (imports, validator warm-up): {warm:.0f} ms")
    print(f"api reference, median of {rounds}: {changes:.0f} ms")
    print(f"security register, median of {rounds}: {register_ms:.1f} ms")


if __name__ == "__main__":
    main()
