"""One line on the state of what a fault touched, for a failed revert's message and journal."""

from __future__ import annotations

from drillctl.target.base import TargetDriver


def describe_targets(driver: TargetDriver, targets: list[str]) -> str:
    """``ebit-api: exited, 0/1 running``; non-service targets (urls, host commands) as they are."""
    try:
        services = set(driver.services())
    except Exception as exc:  # the message must still be written: say why the state is unknown
        return f"unknown (the target cannot be queried: {exc})"
    parts: list[str] = []
    for target in targets:
        if target not in services:
            parts.append(target if ":" in target else f"{target}: not a service of the project")
            continue
        try:
            st = driver.state(target)
        except Exception as exc:
            parts.append(f"{target}: unknown ({exc})")
            continue
        health = f", {st.health}" if st.health else ""
        parts.append(f"{target}: {st.state}, {st.running}/{st.containers} running{health}")
    return "; ".join(parts) or "unknown"
