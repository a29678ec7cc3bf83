"""Moved to ``drillctl.commands.suite_report``: an old path, importable for one release (#15)."""

import sys

from drillctl.commands import suite_report as _moved
from drillctl.commands.suite_report import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
