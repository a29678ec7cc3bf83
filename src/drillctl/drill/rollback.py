"""Moved to ``drillctl.engine.rollback``: an old path, importable for one release (#15)."""

import sys

from drillctl.engine import rollback as _moved
from drillctl.engine.rollback import *  # noqa: F403

# the old name is the same module object, so monkeypatching either path patches both
sys.modules[__name__] = _moved
