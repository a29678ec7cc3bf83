"""Moved to ``drillctl.commands.suite_settle``: an old path, importable for one release (#15)."""

import sys

from drillctl.commands import suite_settle as _moved
from drillctl.commands.suite_settle import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
