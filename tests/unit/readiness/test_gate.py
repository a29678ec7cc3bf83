from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, RUNBOOKS, Invoke
from pytest_httpserver import HTTPServer
from reviewing import copy_example, copy_reference, record_both

from drillctl.context import Context
from drillctl.core.errors import DrillError
from drillctl.readiness import gate as gates
from drillctl.readiness.gate_evidence import verify_run

RUNS = FIXTURES / "runs"
GOOD = "20260303-140000-ws-handshake-storm-c41e"
UNATTENDED = "20260303-150000-ws-handshake-storm-unattended"
ABORTED = "20260303-160000-ws-handshake-storm-aborted"
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.fixture
def runs(context: Context) -> Path:
    return Path(shutil.copytree(RUNS, context.runs_dir))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The team repo the gate file lives in: a runbook folder with the seed runbooks."""
    shutil.copytree(RUNBOOKS, tmp_path / "runbooks")
    return tmp_path


@pytest.fixture
def matrix(httpserver: HTTPServer, repo: Path) -> Path:
    httpserver.expect_request("/room").respond_with_data("")
    room = httpserver.url_for("/room")
    text = (FIXTURES / "matrix-live.md.tmpl").read_text().format(bridge1=room, bridge3=room)
    path = repo / "escalation-matrix.md"
    path.write_text(text)
    return path


def _gate(repo: Path) -> dict:
    return yaml.safe_load((repo / gates.GATE_FILE).read_text())


def test_a_run_that_was_driven_interactively_to_its_end_is_evidence() -> None:
    assert verify_run(RUNS, GOOD) == []


def test_an_unattended_run_is_not_evidence() -> None:
    assert verify_run(RUNS, UNATTENDED) == [
        "the drill ran unattended: it must be driven interactively",
        "the journal has no responder acknowledgement",
    ]


def test_an_aborted_p1_run_without_timeline_is_not_evidence() -> None:
    assert verify_run(RUNS, ABORTED) == [
        "the drill ended 'aborted': not driven to its end",
        f"no archived timeline (timeline.md or timeline.slack.txt) in {RUNS / ABORTED}",
        "the scenario is P1: the gate asks for a simulated P2",
    ]


def test_a_missing_or_malformed_run_id() -> None:
    assert verify_run(RUNS, "nope") == [f"no report at {RUNS / 'nope' / 'report.json'}"]
    assert verify_run(RUNS, "../runs") == ["'../runs' is not a run id"]


def test_a_no_go_resets_the_shift_items_and_the_signatures() -> None:
    done = gates.Item(done=True, at=T0, by="Dana Kim", note="saw two pages")
    gate = gates.Gate(engineer="Dana Kim")
    for item in ("shadow-shift", "reverse-shadow-shift", "access"):
        gate = gates.with_item(gate, item, done)
    go = gates.Signature(name="Dana Kim", role="engineer", decision="go", at=T0)
    gate = gates.signed(gate, go)
    no = gates.Signature(
        name="Priya", role="on-call", decision="no-go", reason="quiet shadow week", at=T0
    )
    after = gates.signed(gate, no)
    assert not after.items["shadow-shift"].done and not after.items["reverse-shadow-shift"].done
    assert after.items["access"].done
    assert after.signatures == []
    assert after.history[-1].event == (
        "no-go by Priya (on-call): quiet shadow week; shift items reset"
    )


def test_a_go_replaces_the_same_roles_earlier_go() -> None:
    gate = gates.Gate(engineer="Dana Kim")
    for name in ("Dana", "Dana Kim"):
        gate = gates.signed(gate, gates.Signature(name=name, role="engineer", decision="go", at=T0))
    assert [s.name for s in gate.signatures] == ["Dana Kim"]


def test_load_refuses_unknown_items(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("schema_version: 1\nengineer: Dana\nitems:\n  vibes: {done: true}\n")
    with pytest.raises(DrillError, match="unknown items vibes"):
        gates.load(path)


def test_status_of_a_new_gate_lists_everything_that_blocks(cli: Invoke, repo: Path) -> None:
    assert cli("gate", "init", "--engineer", "Dana Kim").exit_code == 0
    result = cli("gate", "status")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "On-call readiness gate for Dana Kim (oncall-gate.yaml)"
    assert (
        "  --  drill                 Simulated P2 drill driven end to end, timeline archived"
        in lines
    )
    assert lines[-1] == "NO-GO: 11 blockers"
    again = cli("gate", "init", "--engineer", "Dana Kim")
    assert isinstance(again.exception, DrillError)


def test_an_item_with_evidence_is_only_ticked_when_the_evidence_holds(
    cli: Invoke, repo: Path, runs: Path
) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    refused = cli("gate", "check", "drill", "--run", UNATTENDED)
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        "drill: the drill ran unattended: it must be driven interactively",
        "drill: the journal has no responder acknowledgement",
        "drill not checked",
    ]
    assert _gate(repo)["items"]["drill"]["done"] is False
    accepted = cli("gate", "check", "drill", "--run", GOOD)
    assert accepted.exit_code == 0, accepted.output
    item = _gate(repo)["items"]["drill"]
    assert (item["done"], item["by"], item["evidence"]) == (True, "Dana Kim", {"run_id": GOOD})


def test_a_tick_without_evidence_does_not_count(cli: Invoke, repo: Path, runs: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    data = _gate(repo)
    data["items"]["drill"] = {"done": True}
    data["items"]["escalation-matrix"] = {"done": True, "evidence": {"file": "m.md", "sha256": "0"}}
    (repo / gates.GATE_FILE).write_text(yaml.safe_dump(data))
    lines = cli("gate", "status").output.splitlines()
    assert lines[
        lines.index("  !!  drill                 " + gates.ITEMS["drill"].title) + 1
    ].strip() == ("no evidence recorded (run_id)")
    assert f"{repo / 'm.md'} does not exist" in [line.strip() for line in lines]


def test_a_runbook_is_rechecked_on_status(cli: Invoke, repo: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    bad = cli(
        "gate", "check", "runbook", "--runbook", FIXTURES / "runbooks-bad" / "placeholders.md"
    )
    assert bad.exit_code == 1
    assert bad.output.splitlines()[0] == (
        f"runbook: {FIXTURES / 'runbooks-bad' / 'placeholders.md'}:5: placeholder {{{{TBD}}}} left"
    )
    mine = repo / "runbooks" / "redis-cache-flush.md"
    assert cli("gate", "check", "runbook", "--runbook", mine).exit_code == 0
    assert _gate(repo)["items"]["runbook"]["evidence"] == {"path": "runbooks/redis-cache-flush.md"}
    mine.write_text(mine.read_text().replace("## Prevention", "## Prevention\n\n{{TBD}}"))
    lines = [line.strip() for line in cli("gate", "status").output.splitlines()]
    assert any(
        line.endswith("placeholder {{TBD}} left") and "redis-cache-flush.md:" in line
        for line in lines
    )


def test_the_escalation_matrix_is_validated_then_pinned_by_its_hash(
    cli: Invoke, repo: Path, matrix: Path, context: Context
) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    result = cli("gate", "check", "escalation-matrix", "--matrix", matrix)
    assert result.exit_code == 0, result.output
    evidence = _gate(repo)["items"]["escalation-matrix"]["evidence"]
    assert evidence["file"] == "escalation-matrix.md" and len(evidence["sha256"]) == 64
    assert (context.state_dir / "escalation-checks.jsonl").is_file()
    assert "  ok  escalation-matrix" in cli("gate", "status").output
    matrix.write_text(matrix.read_text() + "\n")
    lines = [line.strip() for line in cli("gate", "status").output.splitlines()]
    again = "run `drillctl gate check escalation-matrix` again"
    assert f"{matrix} changed since it was validated: {again}" in lines


def test_a_matrix_with_blockers_is_not_ticked(cli: Invoke, repo: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    bad = FIXTURES / "matrix-missing-columns.md"
    result = cli("gate", "check", "escalation-matrix", "--matrix", bad)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"escalation-matrix: {bad}:5: no severity column"
    assert _gate(repo)["items"]["escalation-matrix"]["done"] is False


def test_items_that_need_words_refuse_a_bare_tick(cli: Invoke, repo: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    assert cli("gate", "check", "shadow-shift").exit_code == 2
    assert cli("gate", "check", "no-such-item").exit_code == 2
    assert cli("gate", "check", "shadow-shift", "--note", "two pages, both noise").exit_code == 0


def _complete(cli: Invoke, matrix: Path, repo: Path, context: Context) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    register, sources = copy_example(repo)
    record_both(context, register, sources, copy_reference(repo)[0])
    steps = [
        ("drill", "--run", GOOD),
        ("runbook", "--runbook", repo / "runbooks" / "ws-handshake-storm.md"),
        ("security-register",),
        ("api-changelog",),
        ("escalation-matrix", "--matrix", matrix),
        ("shadow-shift", "--note", "two pages: a disk alert and a flapping probe"),
        ("reverse-shadow-shift", "--note", "handled the queue backlog page, Priya watched"),
        ("access", "--note", "PagerDuty, Slack, Grafana, kubectl, vault"),
        (
            "first-thing",
            "--note",
            "acknowledge, open the incident channel, read the alert's runbook",
        ),
    ]
    for step in steps:
        result = cli("gate", "check", *step)
        assert result.exit_code == 0, (step, result.output)


def test_the_whole_gate_signed_by_both_is_a_go(
    cli: Invoke, repo: Path, runs: Path, matrix: Path, context: Context
) -> None:
    _complete(cli, matrix, repo, context)
    assert cli("gate", "sign", "--name", "Dana Kim", "--role", "engineer", "--go").exit_code == 0
    self_signed = cli("gate", "sign", "--name", "dana kim", "--role", "on-call", "--go")
    assert self_signed.exit_code == 0
    pending = cli("gate", "status")
    assert pending.exit_code == 1
    assert "  the on-call sign-off must come from someone other than the engineer" in pending.output
    cli("gate", "sign", "--name", "Priya Nair", "--role", "on-call", "--go")
    final = cli("gate", "status")
    assert final.exit_code == 0, final.output
    assert final.output.splitlines()[-1] == "GO: nothing blocks"
    body = json.loads(cli("gate", "status", "--format", "json").output)
    assert body["blocking"] == [] and [s["name"] for s in body["signatures"]] == [
        "Dana Kim",
        "Priya Nair",
    ]
    assert body["signatures"][1]["at"] == "2026-01-01T12:00:00Z"


def test_a_go_is_refused_while_items_block(cli: Invoke, repo: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    result = cli("gate", "sign", "--name", "Dana Kim", "--role", "engineer", "--go")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "not signed: a go needs every item verified"
    assert _gate(repo)["signatures"] == []


def test_a_no_go_records_the_reason_and_sends_the_shifts_round_again(
    cli: Invoke, repo: Path, runs: Path, matrix: Path, context: Context
) -> None:
    _complete(cli, matrix, repo, context)
    cli("gate", "sign", "--name", "Dana Kim", "--role", "engineer", "--go")
    assert (
        cli("gate", "sign", "--name", "Priya Nair", "--role", "on-call", "--no-go").exit_code == 2
    )
    no = cli(
        "gate",
        "sign",
        "--name",
        "Priya Nair",
        "--role",
        "on-call",
        "--no-go",
        "--reason",
        "shadow week was too quiet",
    )
    assert (
        no.exit_code == 0
        and no.output == "signed no-go by Priya Nair (on-call); shift items reset\n"
    )
    data = _gate(repo)
    assert data["signatures"] == []
    assert data["items"]["shadow-shift"] == {"done": False}
    assert data["history"] == [
        {
            "at": "2026-01-01T12:00:00Z",
            "event": "no-go by Priya Nair (on-call): shadow week was too quiet; shift items reset",
        }
    ]
    status = cli("gate", "status").output.splitlines()
    assert (
        "Last no-go by Priya Nair (on-call): shadow week was too quiet; shift items reset" in status
    )
    assert "  --  shadow-shift          Shadow shift complete" in status


def test_status_as_json_is_the_gate_status_envelope(cli: Invoke, repo: Path, runs: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    assert cli("gate", "check", "drill", "--run", GOOD).exit_code == 0
    result = cli("gate", "status", "--format", "json")
    assert result.exit_code == 1  # the other items still block
    found = json.loads(result.stdout)
    assert (found["schema_version"], found["kind"]) == (1, "drillctl.gate-status")
    assert (found["file"], found["engineer"]) == ("oncall-gate.yaml", "Dana Kim")
    items = {i["id"]: i for i in found["items"]}
    assert set(items) == set(gates.ITEMS)
    assert (items["drill"]["done"], items["drill"]["ok"], items["drill"]["problems"]) == (
        True,
        True,
        [],
    )
    assert (items["runbook"]["done"], items["runbook"]["ok"]) == (False, False)
    blocked = [line.split(":")[0] for line in found["blocking"]]
    assert "runbook" in blocked and "drill" not in blocked
    assert found["blocking"][0] == "runbook: not done: `drillctl gate check runbook --runbook PATH`"
    assert found["signatures"] == [] and found["last_no_go"] is None
    assert blocked.count("sign-off") == len(found["signoff"]) > 0
