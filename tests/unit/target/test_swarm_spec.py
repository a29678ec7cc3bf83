"""The swarm driver's spec edits and the env-override record, as pure functions of a spec."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from drillctl.core.errors import TargetError
from drillctl.target import swarm_spec as sp


def spec(env: dict[str, str], replicas: int = 2, **labels: str) -> sp.Spec:
    body = {
        "Name": "lab_api",
        "Labels": dict(labels),
        "Mode": {"Replicated": {"Replicas": replicas}},
        "TaskTemplate": {"ContainerSpec": {"Env": [f"{k}={v}" for k, v in env.items()]}},
    }
    return sp.Spec("id1", "lab_api", 10, body)


def test_env_reads_pairs_and_values_with_equals_signs() -> None:
    assert spec({"A": "1", "URL": "redis://:p=w@h"}).env == {"A": "1", "URL": "redis://:p=w@h"}


def test_with_env_changes_only_the_given_keys_and_removes_none() -> None:
    new = sp.with_env(spec({"A": "1", "B": "2"}), {"B": "9", "C": "3", "A": None})
    assert new["TaskTemplate"]["ContainerSpec"]["Env"] == ["B=9", "C=3"]


def test_with_replicas_keeps_a_label_and_drops_it_again() -> None:
    scaled = sp.with_replicas(spec({}), 0, {sp.SCALED_FROM: "2"})
    assert scaled["Mode"] == {"Replicated": {"Replicas": 0}}
    assert scaled["Labels"] == {sp.SCALED_FROM: "2"}
    back = sp.with_replicas(spec({}, 0, **{sp.SCALED_FROM: "2"}), 2, {sp.SCALED_FROM: None})
    assert back["Labels"] == {} and back["Mode"]["Replicated"]["Replicas"] == 2


def test_forced_bumps_force_update_and_changes_the_digest() -> None:
    before = spec({"A": "1"})
    after = sp.Spec("id1", "lab_api", 11, sp.forced(before))
    assert after.spec["TaskTemplate"]["ForceUpdate"] == 1
    assert after.digest != before.digest


def test_global_service_has_no_replica_count() -> None:
    assert sp.Spec("i", "n", 1, {"Mode": {"Global": {}}}).replicas is None


RECORD = {"before": {"PW": "good", "NEW": None}, "injected": {"PW": "bad", "NEW": "x"}}


def test_restore_puts_back_recorded_values_and_removes_added_keys() -> None:
    live = spec({"PW": "bad", "NEW": "x", "OTHER": "1"})
    record = {**RECORD, "spec_after": live.digest}
    assert sp.restore_changes(record, live) == {"PW": "good", "NEW": None}


def test_restore_is_a_no_op_once_the_values_are_back() -> None:
    live = spec({"PW": "good", "OTHER": "1"})
    assert sp.restore_changes({**RECORD, "spec_after": "stale"}, live) is None


def test_restore_refuses_when_the_spec_moved_since_the_injection() -> None:
    injected = spec({"PW": "bad", "NEW": "x"})
    moved = spec({"PW": "bad", "NEW": "x", "SOMEONE": "else"})
    with pytest.raises(TargetError, match="spec changed since the injection") as err:
        sp.restore_changes({**RECORD, "spec_after": injected.digest}, moved)
    assert "NEW, PW" in str(err.value) and "bad" not in str(err.value)  # names, never values


def test_restore_after_a_crash_before_spec_after_was_written() -> None:
    live = spec({"PW": "bad", "NEW": "x"})
    assert sp.restore_changes(RECORD, live) == {"PW": "good", "NEW": None}


def test_record_is_private_and_missing_means_nothing_recorded(tmp_path: Path) -> None:
    path = tmp_path / "overrides" / "r.yaml"
    assert sp.read_record(path) is None
    sp.write_record(path, RECORD)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sp.read_record(path) == RECORD


def test_unreadable_record_is_a_target_error(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TargetError, match="cannot read the env-override record"):
        sp.read_record(path)


def test_dry_run_plan_says_how_each_fault_acts_on_swarm_and_not_on_compose() -> None:
    from drillctl.engine.plan import build_plan, render_plan
    from drillctl.scenario.loader import load_path

    builtin = Path(__file__).resolve().parents[3] / "src/drillctl/builtin/scenarios"
    scenario, _ = load_path(builtin / "replica-loss.yaml")
    swarm = "\n".join(render_plan(build_plan(scenario, source="s", target="t", driver="swarm")))
    compose = "\n".join(render_plan(build_plan(scenario, source="s", target="t")))
    assert "on this target: kill one running task container on this node" in swarm
    assert "on this target" not in compose


def test_driver_tagged_scenarios_apply_to_their_driver_only() -> None:
    from drillctl.target.semantics import applies_to

    assert applies_to(["queue"], "compose") and applies_to(["queue"], "swarm")
    assert applies_to(["driver:swarm"], "swarm")
    assert not applies_to(["driver:swarm", "replicas"], "compose")
