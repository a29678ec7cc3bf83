"""Moved to ``drillctl.operator.gm``: an old path, importable for one release (#15)."""

import sys

from drillctl.operator import gm as _moved
from drillctl.operator.gm import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
