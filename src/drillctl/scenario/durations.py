"""Moved to ``drillctl.core.durations`` (faults need it and sit below scenario): an old path,
importable for one release (#15)."""

import sys

from drillctl.core import durations as _moved
from drillctl.core.durations import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
