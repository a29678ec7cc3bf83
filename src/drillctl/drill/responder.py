"""Moved to ``drillctl.operator.responder``: an old path, importable for one release (#15)."""

import sys

from drillctl.operator import responder as _moved
from drillctl.operator.responder import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
