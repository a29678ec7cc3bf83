"""Moved to ``drillctl.commands.regression``: an old path, importable for one release (#15)."""

import sys

from drillctl.commands import regression as _moved
from drillctl.commands.regression import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
