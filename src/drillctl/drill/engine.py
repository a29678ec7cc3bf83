"""Moved to ``drillctl.engine.engine``: an old path, importable for one release (#15)."""

import sys

from drillctl.engine import engine as _moved
from drillctl.engine.engine import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
