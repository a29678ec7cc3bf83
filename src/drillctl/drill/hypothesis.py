"""Moved to ``drillctl.engine.hypothesis``: an old path, importable for one release (#15)."""

import sys

from drillctl.engine import hypothesis as _moved
from drillctl.engine.hypothesis import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
