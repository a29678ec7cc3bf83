"""Load a scenario for ``runbook new --from-scenario``, through the scenario catalog.

A name finds the team's scenario folder first, then the built-ins; a path loads that file. The
catalog resolves ``${var:...}`` with the file's defaults and the settings' ``vars``, so the runbook
shows the queries as they run against this stack.
"""

from __future__ import annotations

from drillctl.config import Settings
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.model import ScenarioBase


def load_scenario(ref: str, settings: Settings) -> ScenarioBase:
    return Catalog(settings.drill.scenarios_dir, settings.vars).load(ref).scenario
