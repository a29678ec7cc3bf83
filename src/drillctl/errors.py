"""Moved to ``drillctl.core.errors``: an old path, importable for one release (#15)."""

import sys

from drillctl.core import errors as _moved
from drillctl.core.errors import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
