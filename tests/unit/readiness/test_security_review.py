"""``drillctl security review`` on the sample register and on registers written differently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from reviewing import RAISED, REGISTER, SOURCES, Invoke, cli_for, copy_example

from drillctl.context import Context
from drillctl.core.errors import ExitCode, ScenarioError
from drillctl.readiness import gate as gates
from drillctl.readiness import security_render as render
from drillctl.readiness.review_actions import security_review
from drillctl.readiness.reviews import load_review
from drillctl.readiness.security_register import load_register
from drillctl.readiness.security_review import review, split_location

PENDING_TITLES = ["Timing oracle", "SuperAdmin MFA bypass", "JWT guard commented out"]


@pytest.fixture
def cli(context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.chdir(tmp_path)
    return cli_for(context)


def test_every_finding_of_the_sample_is_read_with_its_columns_in_the_teams_order() -> None:
    register = load_register(REGISTER)
    assert [f.id for f in register.findings] == [f"SF-{n:03}" for n in range(1, 13)]
    sf3 = register.findings[2]
    assert (sf3.category, sf3.score, sf3.status) == ("Auth", 8.8, "Pending")
    assert sf3.source == "src/auth/mfa.guard.ts#L8" and sf3.line == 14
    assert [f.id for f in register.findings if f.pending and not f.clean_fix] == ["SF-006"]


def test_broken_links_moved_lines_and_a_missing_body_are_located() -> None:
    found = [str(p) for p in review(REGISTER, SOURCES).problems]
    assert found == [
        f"{REGISTER}:14: SF-003: body security-findings/SF-003.md does not exist",
        f"{REGISTER}:18: SF-007: src/admin/export.controller.ts:42 is past the end (13 lines)",
        f"{REGISTER}:21: note: SF-010: src/bets/bets.service.ts:15 is a blank line: moved?",
    ]


def test_a_source_file_that_is_gone_is_a_broken_link(tmp_path: Path) -> None:
    register, repo = copy_example(tmp_path)
    (repo / "src" / "auth" / "lockout.service.ts").unlink()
    found = [str(p) for p in review(register, repo).problems]
    assert (
        f"{register}:13: SF-002: source src/auth/lockout.service.ts does not exist in {repo}"
        in found
    )


def test_pending_findings_to_raise_are_grouped_by_oncall_category_highest_score_first() -> None:
    groups = review(REGISTER, SOURCES).by_category()
    assert {k: [f.id for f in v] for k, v in groups.items()} == {
        "Auth": ["SF-003", "SF-002", "SF-001"],
        "Bet pipeline": ["SF-004", "SF-010"],
        "Admin": ["SF-007"],
        "Other": ["SF-012"],
    }


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("src/a.ts:42", ("src/a.ts", 42)),
        ("src/a.ts#L42-L50", ("src/a.ts", 42)),
        ("https://github.com/o/r/blob/0abc/src/a.ts#L7", ("src/a.ts", 7)),
        ("src/a.ts", ("src/a.ts", None)),
    ],
)
def test_source_links_in_the_forms_teams_write_them(link: str, expected: tuple) -> None:
    assert split_location(link) == expected


def test_json_gives_every_finding_but_no_pending_title_source_or_note(cli: Invoke) -> None:
    result = cli(
        "security",
        "review",
        REGISTER,
        "--repo",
        SOURCES,
        "--format",
        "json",
        "--note",
        "SF-007",
        "JWT guard: Priya restores it Monday",
    )
    assert result.exit_code == 1  # the register has broken links
    body = json.loads(result.output)
    assert (body["schema_version"], body["kind"]) == (1, "drillctl.security-review")
    assert [f["id"] for f in body["findings"]] == [f"SF-{n:03}" for n in range(1, 13)]
    pending = [f for f in body["findings"] if f["pending"]]
    assert len(pending) == 8 and all(
        set(f) == {"id", "category", "oncall_category", "score", "status", "pending"}
        for f in pending
    )
    assert body["findings"][4]["title"].startswith("Settle side effects")  # SF-005, mitigated
    assert "SF-007: source-moved" in [p["message"] for p in body["problems"]]
    assert body["review"]["notes"] == {"SF-007": "(noted)"}
    for secret in [*PENDING_TITLES, "export.controller", "Priya restores"]:
        assert secret not in result.output


def test_slack_text_carries_ids_categories_and_scores_only(cli: Invoke) -> None:
    result = cli("security", "review", REGISTER, "--repo", SOURCES, "--format", "slack")
    lines = result.output.splitlines()
    assert lines[1:5] == [
        "• *Auth*: `SF-003` (8.8), `SF-002` (6.5), `SF-001` (5.3)",
        "• *Bet pipeline*: `SF-004` (7.4), `SF-010` (6.8)",
        "• *Admin*: `SF-007` (9.1)",
        "• *Other*: `SF-012` (3.1)",
    ]
    assert not any(title in result.output for title in PENDING_TITLES)


def test_the_full_list_goes_to_the_terminal_or_a_file_the_user_names(
    cli: Invoke, tmp_path: Path, context: Context
) -> None:
    result = review(REGISTER, SOURCES)
    record = load_review(context.state_dir, "security-register")  # none yet: render a fresh one
    assert record is None
    _, record = security_review(context, REGISTER, SOURCES, notes={}, by="Dana Kim")
    terminal = render.text_lines(result, record, full=True)
    assert (
        "  SF-003  8.8  Auth  SuperAdmin MFA bypass through the legacy trusted-session flag  "
        "(src/auth/mfa.guard.ts#L8)" in terminal
    )
    piped = cli("security", "review", REGISTER, "--repo", SOURCES, "--no-input").output
    assert "  SF-003  8.8  Auth" in piped.splitlines()
    assert not any(title in piped for title in PENDING_TITLES)
    assert "withheld: not a terminal" in piped
    out = tmp_path / "raise.md"
    cli("security", "review", REGISTER, "--repo", SOURCES, "--format", "markdown", "-o", out)
    assert "SuperAdmin MFA bypass" in out.read_text()


def test_the_review_is_recorded_with_who_when_hash_and_notes(cli: Invoke, context: Context) -> None:
    cli(
        "security",
        "review",
        REGISTER,
        "--repo",
        SOURCES,
        "--by",
        "Dana Kim",
        "--note",
        "SF-003",
        "with Priya: fix in 1.4",
        "--note",
        "SF-001",
        "with Priya",
    )
    record = load_review(context.state_dir, "security-register")
    assert record is not None and record.by == "Dana Kim" and record.pending == RAISED
    assert record.notes == {"SF-003": "with Priya: fix in 1.4", "SF-001": "with Priya"}
    assert record.at == context.clock.now() and len(record.sha256) == 64
    again = cli("security", "review", REGISTER, "--repo", SOURCES, "--note", "SF-002", "ok")
    assert "no note yet for SF-007, SF-004, SF-010, SF-012" in again.output  # earlier notes kept


def test_notes_are_asked_for_interactively(context: Context) -> None:
    asked: list[str] = []

    def ask(finding: object) -> str:
        asked.append(finding.id)  # type: ignore[attr-defined]
        return f"talked about {finding.id}"  # type: ignore[attr-defined]

    _, record = security_review(context, REGISTER, SOURCES, notes={}, by="x", ask=ask)
    assert asked == RAISED and record.notes["SF-012"] == "talked about SF-012"


def test_a_note_for_an_unknown_finding_is_refused(cli: Invoke) -> None:
    result = cli("security", "review", REGISTER, "--repo", SOURCES, "--note", "SF-099", "x")
    assert result.exit_code == ExitCode.INVALID
    assert "--note SF-099: no such finding" in result.output


SHUFFLED = """# Findings

| risk | SOURCE LINK | finding | Area | Summary | mitigation status |
|---|---|---|---|---|---|
| 9.0 | src/auth/auth.service.ts:15 | SEC-1 | Authentication | timing | open |
| 2.0 | src/reports/csv.ts:2 | SEC-2 | Reporting | csv | closed |
"""


def test_headers_match_in_any_case_order_and_name(tmp_path: Path) -> None:
    path = tmp_path / "register.md"
    path.write_text(SHUFFLED)
    found = review(path, SOURCES)
    assert [(f.id, f.score, f.oncall_category, f.pending) for f in found.register.findings] == [
        ("SEC-1", 9.0, "Auth", True),
        ("SEC-2", 2.0, None, False),
    ]
    assert found.problems == []


def test_a_missing_column_is_named_where_the_table_starts(tmp_path: Path) -> None:
    path = tmp_path / "register.md"
    path.write_text(SHUFFLED.replace("risk", "likelihood"))
    with pytest.raises(ScenarioError) as caught:
        load_register(path)
    assert str(caught.value) == (
        f"{path}:3:1: missing column 'Score' (accepted names: Score, CVSS, Risk score, Risk)"
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "| n/a | src/a.ts:1 | SEC-1 | Auth | t | open |",
            "5:3: score: SEC-1: score 'n/a' is not a number",
        ),
        (
            "| 1 | src/a.ts:1 | SEC 1 | Auth | t | open |",
            "5:20: id: 'SEC 1' is not a finding id like SF-007",
        ),
        ("| 1 |  | SEC-1 | Auth | t | open |", "5:7: source: SEC-1: empty source"),
        (
            "| 1 | a:1 | SEC-1 | Auth | t | open |\n| 2 | b:1 | SEC-1 | Auth | u | open |",
            "6:1: id: SEC-1 also on line 5",
        ),
    ],
)
def test_a_malformed_row_is_a_located_error(tmp_path: Path, row: str, expected: str) -> None:
    path = tmp_path / "register.md"
    path.write_text("\n".join(SHUFFLED.splitlines()[:4]) + "\n" + row + "\n")
    with pytest.raises(ScenarioError) as caught:
        load_register(path)
    assert str(caught.value) == f"{path}:{expected}"


def test_a_file_without_a_findings_table_exits_2_with_its_location(
    cli: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "register.md"
    path.write_text("# Nothing here\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    result = cli("security", "review", path, "--repo", SOURCES)
    assert result.exit_code == 2
    assert f"{path}:3:1: no findings table" in result.output


def test_a_changed_register_reopens_the_gate_item(cli: Invoke, tmp_path: Path) -> None:
    register, repo = copy_example(tmp_path)
    cli("gate", "init", "--engineer", "Dana Kim")
    notes = [a for fid in RAISED for a in ("--note", fid, "with Priya")]
    cli("security", "review", register, "--repo", repo, *notes)
    checked = cli("gate", "check", "security-register", "--register", register)
    assert checked.exit_code == 0, checked.output
    evidence = yaml.safe_load((tmp_path / gates.GATE_FILE).read_text())["items"][
        "security-register"
    ]["evidence"]
    assert evidence["path"] == "security/security-register.md"
    assert evidence["pending"] == " ".join(RAISED)
    assert "  ok  security-register" in cli("gate", "status").output
    register.write_text(
        register.read_text()
        + "| SF-013 | Auth | new | 5 | Pending | src/auth/mfa.guard.ts:8 | x | |\n"
    )
    status = cli("gate", "status").output
    assert "  !!  security-register" in status
    assert f"{register} changed since it was reviewed: reopened" in status


def test_a_review_with_unnoted_pending_findings_does_not_tick_the_item(
    cli: Invoke, tmp_path: Path
) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    cli("security", "review", REGISTER, "--repo", SOURCES, "--note", "SF-007", "with Priya")
    result = cli("gate", "check", "security-register")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        'security-register: no note for SF-003: `drillctl security review --note SF-003 "..."`'
    )


def test_a_hand_tick_from_before_is_kept_but_not_verified(cli: Invoke, tmp_path: Path) -> None:
    cli("gate", "init", "--engineer", "Dana Kim")
    gate_file = tmp_path / gates.GATE_FILE
    data = yaml.safe_load(gate_file.read_text())
    data["items"]["security-register"] = {"done": True, "note": "SEC-12 discussed with Priya"}
    gate_file.write_text(yaml.safe_dump(data))
    status = cli("gate", "status").output
    assert "  !!  security-register" in status
    assert (
        "by hand, not verified: `drillctl security review`, then "
        "`drillctl gate check security-register`" in status
    )
