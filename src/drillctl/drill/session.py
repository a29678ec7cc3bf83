"""Moved to ``drillctl.commands.run``: an old path, importable for one release (#15)."""

import sys

from drillctl.commands import run as _moved
from drillctl.commands.run import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
