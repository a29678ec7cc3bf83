"""Hypothesis profiles for the property-based suite.

``ci`` (the default, used by ``make test``): few examples, derandomized, no deadline, so a run is
fast and the same every time. ``fuzz`` (``make fuzz``, ``HYPOTHESIS_PROFILE=fuzz``): many random
examples, to go looking for new failures; a failure it finds is replayed by its printed seed.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "fuzz", max_examples=1500, deadline=None, derandomize=False, suppress_health_check=_QUIET
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
