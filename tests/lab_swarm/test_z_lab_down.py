"""Last test of the swarm session (files run in name order): `drillctl lab down --swarm` leaves
the engine in the swarm state it had before the session (left again only if drillctl joined it).
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import drillctl

pytestmark = [pytest.mark.lab]


def test_lab_down_puts_the_engine_back_in_its_swarm_state(lab: Any, swarm_before: str) -> None:
    env = {**lab.env}
    done = drillctl(lab, "lab", "down", "--swarm", "-p", lab.project_name, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert lab.swarm_state() == swarm_before
    label = f"label=com.docker.stack.namespace={lab.project_name}"
    assert lab.swarm_state() != "active" or not lab._docker(["service", "ls", "-q", "-f", label])
    assert not (lab.state_dir / "swarm-initialised-by-drillctl.json").exists()
