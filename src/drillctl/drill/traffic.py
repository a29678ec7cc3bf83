"""Moved to ``drillctl.traffic.generator``: an old path, importable for one release (#15)."""

import sys

from drillctl.traffic import generator as _moved
from drillctl.traffic.generator import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
