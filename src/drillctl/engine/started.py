"""The run's first event, from the scenario and the drill's options."""

from __future__ import annotations

from drillctl.core.events import RunStarted
from drillctl.engine.ports import DrillOptions
from drillctl.scenario.model import ScenarioBase


def run_started(s: ScenarioBase, o: DrillOptions) -> RunStarted:
    """The first event: who runs what, against what, with which seed."""
    return RunStarted(
        run_id=o.run_id,
        scenario={
            "name": s.name,
            "title": s.title,
            "severity": s.severity,
            "description": s.description,
            "objective": s.objective,
            "root_cause": s.root_cause.model_dump(mode="json"),
            "runbook": str(s.runbook) if s.runbook else None,
        },
        scenario_file=o.scenario_file,
        mode=o.mode,
        operator=o.operator,
        target=o.target,
        seed=o.seed,
        blind=False,
        drillctl_version=o.version,
        dashboards=o.dashboards or {title: "" for title in s.dashboards},
    )
