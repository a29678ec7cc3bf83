"""``drillctl doctor [NAME|FILE]``: is every source and the compose project ready for a drill?

``doctor(context=..., scenario=..., assignments=...)`` returns a ``DoctorReport``; the checks
themselves are in ``drillctl.observe.doctor``. ``--format json`` prints ``as_json()``:
``{"schema_version": 1, "kind": "drillctl.doctor", "scenario", "ready", "not_ready", "checks"}``.
The source clients and the docker SDK load when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from drillctl.core.envelope import envelope
from drillctl.core.errors import DrillError

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.observe.doctor import Check
    from drillctl.scenario.model import ScenarioBase
    from drillctl.target.base import TargetDriver

KIND = "doctor"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class DoctorReport:
    scenario: str | None  # the scenario's name, when one was checked
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        """The required checks that failed: any one makes the stack not ready (exit 1)."""
        from drillctl.observe.doctor import failed_required

        return failed_required(self.checks)

    @property
    def ready(self) -> bool:
        return not self.failed

    def not_ready(self) -> list[str]:
        return [f"{c.component} {c.item}".replace(" -", "") for c in self.failed]

    def as_json(self) -> dict[str, Any]:
        return envelope(
            KIND,
            SCHEMA_VERSION,
            scenario=self.scenario,
            ready=self.ready,
            not_ready=self.not_ready(),
            checks=[asdict(c) for c in self.checks],
        )


def doctor(
    *, context: Context, scenario: str | None = None, assignments: list[str] | None = None
) -> DoctorReport:
    """Check the sources and the compose project, and with a scenario its queries and rules."""
    chosen = _scenario(context, scenario, assignments or []) if scenario else None
    checks = asyncio.run(run_checks(context, chosen))
    return DoctorReport(chosen.name if chosen else None, checks)


def _scenario(context: Context, name: str, assignments: list[str]) -> ScenarioBase:
    from drillctl.scenario.catalog import Catalog
    from drillctl.scenario.overrides import parse_assignments
    from drillctl.scenario.secrets import resolve_secrets

    settings = context.settings
    catalog = Catalog(settings.drill.scenarios_dir, settings.vars)
    loaded = catalog.load(name, parse_assignments(assignments))
    return resolve_secrets(loaded.scenario, os.environ, context.redactor)


def driver_or_none(context: Context) -> TargetDriver | None:
    from drillctl.target.factory import build_driver  # docker SDK: loaded when a command needs it

    try:
        return build_driver(context.settings, clock=context.clock)
    except DrillError:
        return None


async def run_checks(context: Context, scenario: ScenarioBase | None) -> list[Check]:
    from drillctl.observe.doctor import Doctor
    from drillctl.observe.factory import configured_sources, open_sources
    from drillctl.target.factory import build_driver

    config = context.settings.sources
    async with open_sources(config, driver=driver_or_none(context)) as sources:
        doctor = Doctor(
            sources,
            driver_factory=lambda: build_driver(context.settings, clock=context.clock),
            now=context.clock.now,
            configured=configured_sources(config),
        )
        return await doctor.run(scenario)
