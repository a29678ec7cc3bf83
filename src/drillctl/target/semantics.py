"""What each fault type does on a driver other than compose, in words, for ``--dry-run``.

Pure data: the plan shows it without touching the target. Compose is the reference meaning of every
fault (its ``plan()`` text), so only the other drivers say how they differ. docs/swarm.md explains
each line at length.
"""

from __future__ import annotations

SWARM = {
    "stop-service": "scale the service to 0 (the replica count is kept on the service); "
    "revert scales back to it",
    "kill-service": "kill one running task container on this node; swarm starts a replacement, "
    "revert waits until every replica runs again",
    "restart-service": "a forced update (`service update --force`): every task replaced, "
    "one at a time",
    "env-override": "update the service's environment (only the given keys, their old values "
    "recorded first); revert puts back only those keys, refused if the spec changed meanwhile",
    "exec": "runs in a running task container on this node (refused when none runs here)",
    "pause-service": "pauses the task containers on this node; refused for a service with a "
    "healthcheck (swarm would replace the paused tasks)",
    "ws-storm": "connects through the published port, so it reaches every task behind it",
    "host-command": "runs on this machine, as on compose",
}

BY_DRIVER = {"swarm": SWARM}


def fault_semantics(driver: str, fault_type: str) -> str | None:
    """How ``fault_type`` acts on ``driver``; None on compose or for a type without a note."""
    return BY_DRIVER.get(driver, {}).get(fault_type)


DRIVER_TAG = "driver:"  # a scenario tagged driver:swarm shows what only that driver has


def applies_to(tags: list[str], driver: str) -> bool:
    """Whether a scenario belongs in ``suite --all`` on ``driver``: untagged ones apply to all."""
    wanted = {t.removeprefix(DRIVER_TAG) for t in tags if t.startswith(DRIVER_TAG)}
    return not wanted or driver in wanted
