"""What the helper-based faults share: the helper's life cycle, its dead-man switch, the probes.

A helper fault never touches the target image: it starts drillctl's helper container in the
service container's namespaces (``TargetDriver.run_helper``), which applies its rules, holds them,
and undoes them on SIGTERM or, failing that, by itself once the fault's duration plus a margin has
passed (the dead-man switch: a killed drillctl and no ``recover`` still leave nothing behind).

Every rule's comment is ``drillctl:<run id>:<token>``; the undo in the journal holds that tag and
the token labelling the helper, so a later process (``recover``) stops the helper, or, when it is
gone, runs a fresh helper that sweeps what carries the tag. A revert that leaves anything raises
``TargetError`` naming it (exit 4).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import Field

from drillctl.core.durations import Duration, format_duration
from drillctl.core.errors import PreflightError, TargetError
from drillctl.faults._aio import blocking
from drillctl.faults._service import require_service
from drillctl.faults.base import FaultEnv, FaultParams
from drillctl.target.base import HELPER_FAULT_LABEL, HELPER_RUN_LABEL, TargetDriver

MARK = 0xD7  # packets of the helper's own proxy and resolver: its rules let them pass
HELPER_START_S = 60.0  # a first use builds the image: ~1 min on a cold machine
STOP_TIMEOUT_S = 15.0  # SIGTERM -> undo -> exit; then SIGKILL and a sweeping helper
DEFAULT_MARGIN = timedelta(seconds=30)


class HelperFaultParams(FaultParams):
    """Fields every helper fault has: the service, how long, the dead-man margin."""

    service: str  # compose service whose namespace the helper joins
    duration: Duration  # how long the fault holds before drillctl reverts it
    dead_man_margin: Duration = Field(
        default=DEFAULT_MARGIN,
        description="the helper undoes its rules by itself once duration + margin has passed, "
        "even if drillctl was killed and nobody ran recover",
    )


@dataclass
class HelperSpec:
    """The helper's JSON argument (see ``builtin/netns-helper/helper.py``)."""

    tag: str
    hold_s: float
    rules: list[list[str]] = field(default_factory=list)
    proxy: dict[str, Any] | None = None
    dns: dict[str, Any] | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    kill: list[str] = field(default_factory=list)

    def argv(self, mode: str = "run") -> list[str]:
        data = {k: v for k, v in self.__dict__.items() if v not in (None, [])}
        return [json.dumps({"mode": mode, **data}, separators=(",", ":"))]


def run_id(env: FaultEnv) -> str:
    return env.run_dir.name


def new_token() -> str:
    return secrets.token_hex(4)


def tag_for(env: FaultEnv, token: str) -> str:
    return f"drillctl:{run_id(env)}:{token}"


def hold_seconds(params: HelperFaultParams) -> float:
    return (params.duration + params.dead_man_margin).total_seconds()


def events(output: str) -> list[dict[str, Any]]:
    """The helper's JSON lines (anything else it printed is ignored)."""
    found = []
    for line in output.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and "event" in data:
            found.append(data)
    return found


def last_event(output: str, *names: str) -> dict[str, Any] | None:
    return next((e for e in reversed(events(output)) if e["event"] in names), None)


async def wait_event(
    env: FaultEnv, helper_id: str, names: tuple[str, ...], timeout: float
) -> dict[str, Any]:
    """The helper's first event among ``names`` (or ``error``); ``TargetError`` when it has none."""
    deadline = env.clock.monotonic() + timeout
    while True:
        state = await blocking(env.target.helper_state, helper_id)
        found = last_event(state.output, *names, "error")
        if found or state.status in ("exited", "missing", "dead"):
            break
        if env.clock.monotonic() >= deadline:
            break
        await env.clock.sleep(0.2)
    if found is None or found["event"] == "error":
        why = (found or {}).get("error") or state.output.strip()[-300:] or state.status
        raise TargetError(f"the fault helper failed: {why}")
    return found


def labels(env: FaultEnv, token: str) -> dict[str, str]:
    return {HELPER_RUN_LABEL: run_id(env), HELPER_FAULT_LABEL: token}


async def one_shot(
    env: FaultEnv, service: str, spec: dict[str, Any], event: str, *, pid: bool = False
) -> dict[str, Any]:
    """Run a helper that does one thing (caps, probe, undo) and exits; its ``event``."""
    argv = [json.dumps(spec, separators=(",", ":"))]
    token = f"{spec['mode']}-{new_token()}"
    helper = await blocking(
        env.target.run_helper, service, argv, labels=labels(env, token), pid=pid
    )
    try:
        return await wait_event(env, helper, (event,), HELPER_START_S)
    finally:
        await blocking(env.target.remove_helper, helper)


async def capabilities(env: FaultEnv, service: str) -> dict[str, Any]:
    """What the kernel offers in the service's namespace (netem, tbf, statistic, REDIRECT)."""
    await require_service(env, service)
    try:
        return await one_shot(env, service, {"mode": "caps"}, "caps")
    except TargetError as exc:
        raise PreflightError(f"cannot run drillctl's helper beside {service}: {exc}") from exc


def require(caps: dict[str, Any], what: str, fault: str) -> None:
    if not caps.get(what):
        raise PreflightError(
            f"{fault}: this kernel offers no {what} in the service's network namespace "
            "(checked by drillctl's helper); the fault cannot be injected here",
        )


async def probe(
    env: FaultEnv,
    service: str,
    tcp: list[tuple[str, int]] = (),  # type: ignore[assignment]
    resolve: list[str] = (),  # type: ignore[assignment]
    count: int = 10,
) -> dict[str, Any]:
    """Round trips and name resolution measured from inside the service's namespace."""
    spec = {"mode": "probe", "probe": {"tcp": list(tcp), "resolve": list(resolve), "count": count}}
    found = await one_shot(env, service, spec, "probe")
    return {"tcp": found.get("tcp", []), "resolve": found.get("resolve", [])}


async def peer_addresses(env: FaultEnv, peers: list[str], fault: str) -> dict[str, list[str]]:
    """The addresses of each named peer service; unknown or stopped peers are preflight errors."""
    found = {}
    for peer in peers:
        await require_service(env, peer)
        addresses = await blocking(env.target.addresses, peer)
        if not addresses:
            raise PreflightError(f"{fault}: service {peer} has no running container (no address)")
        found[peer] = addresses
    return found


async def start(
    env: FaultEnv, service: str, token: str, spec: HelperSpec, *, pid: bool = False
) -> dict[str, Any]:
    """Start the holding helper; its ``ready`` event (rules applied, servers up)."""
    helper = await blocking(
        env.target.run_helper, service, spec.argv(), labels=labels(env, token), pid=pid
    )
    try:
        return await wait_event(env, helper, ("ready",), HELPER_START_S)
    except TargetError:
        await blocking(env.target.remove_helper, helper)
        raise


def undo_data(env: FaultEnv, service: str, token: str, spec: HelperSpec) -> dict[str, Any]:
    files = [{"path": f["path"]} for f in spec.files]
    return {"service": service, "token": token, "tag": spec.tag, "files": files}


async def stop(env: FaultEnv, undo: dict[str, Any]) -> dict[str, Any]:
    """Stop the fault's helpers (each undoes its rules); sweep with a fresh helper if need be."""
    token = undo["token"]
    found = await blocking(env.target.helpers, {HELPER_FAULT_LABEL: token})
    outcome: dict[str, Any] | None = None
    for helper in found:
        state = await blocking(env.target.stop_helper, helper, STOP_TIMEOUT_S)
        outcome = last_event(state.output, "undone") or outcome
        await blocking(env.target.remove_helper, helper)
    if outcome is None or outcome.get("left"):
        outcome = await sweep(env, undo)
    if outcome.get("left"):
        left = "; ".join(outcome["left"])
        raise TargetError(f"left in {undo['service']}'s namespace after the revert: {left}")
    return outcome


async def sweep(env: FaultEnv, undo: dict[str, Any]) -> dict[str, Any]:
    """Delete whatever carries the fault's tag with a one-shot helper (its own one is gone)."""
    state = await blocking(env.target.state, undo["service"])
    if not state.running:  # no container, no namespace: the rules went with it
        return {"by": "none", "left": [], "note": f"{undo['service']} is not running"}
    spec = {"mode": "undo", "tag": undo["tag"], "files": undo.get("files", [])}
    return await one_shot(env, undo["service"], spec, "undone", pid=bool(spec["files"]))


def sweep_run(target: TargetDriver, run: str) -> list[str]:
    """Stop and remove every helper container a run left (``recover``); their ids."""
    found = target.helpers({HELPER_RUN_LABEL: run})
    for helper in found:
        target.stop_helper(helper, STOP_TIMEOUT_S)
        target.remove_helper(helper)
    return found


def effect(measured: bool, summary: str, **data: Any) -> dict[str, Any]:
    """A fault's measured effect, as journalled; ``measured: false`` fails the drill."""
    return {"measured": measured, "summary": summary, **data}


def during(params: HelperFaultParams) -> str:
    margin = format_duration(params.dead_man_margin)
    return f" for {format_duration(params.duration)} (dead-man switch +{margin})"
