"""``drillctl changes`` on the lab's API reference and on references written differently."""

from __future__ import annotations

import functools
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from reviewing import MIGRATIONS, REFERENCE, Invoke, cli_for, copy_reference

from drillctl.context import Context
from drillctl.core.errors import ScenarioError
from drillctl.readiness import gate as gates
from drillctl.readiness.api_changes import Changes, narrowed, read_changes, route_matches
from drillctl.readiness.openapi_diff import Field, field_changes
from drillctl.readiness.openapi_load import load_openapi


@pytest.fixture
def cli(context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.chdir(tmp_path)
    return cli_for(context)


@functools.cache
def _lab() -> Changes:
    """The lab's reference, read once (validating four snapshots takes about half a second)."""
    return read_changes(REFERENCE, MIGRATIONS)


def _deltas(version: str) -> list[tuple[str, str, str | None, str | None, bool]]:
    changes = _lab()
    step = next(s for s in changes.steps if s.release.version == version)
    return [(d.kind, d.endpoint, d.field, d.dto, d.breaking) for d in step.deltas]


def test_each_kind_of_delta_is_found_with_its_endpoint_and_field_path() -> None:
    assert _deltas("1.0.0") == []
    assert _deltas("1.1.0") == [
        ("endpoint-added", "POST /api/admin/signin", None, None, False),
        ("endpoint-deprecated", "POST /api/admin/login", None, None, False),
    ]
    assert _deltas("1.2.0") == [
        ("response-changed", "GET /api/games", "games[].provider", "GamePage", False),
        ("request-changed", "POST /api/bets", "stake", "PlaceBetDto", True),
    ]
    assert _deltas("1.3.0") == [
        ("endpoint-removed", "POST /api/admin/login", None, None, True),
        ("request-changed", "POST /api/admin/signin", "otp", "SignInDto", False),
    ]


def test_a_renamed_field_says_from_what_to_what() -> None:
    step = _lab().steps[2]
    assert step.deltas[1].detail == "request: amount renamed to stake"


def test_migrations_are_matched_to_the_release_they_shipped_with() -> None:
    changes = _lab()
    shipped = {s.release.version: [m.name for m in s.migrations] for s in changes.steps}
    assert shipped == {
        "1.0.0": ["20260825120000_init"],
        "1.1.0": ["20261001090000_add_admins"],
        # dated 00:30 on the release day of 1.2.0: a date without a time is the end of that day
        "1.2.0": ["20261110003000_rename_bets_amount_to_stake"],
        "1.3.0": ["20261203101500_add_admin_mfa_secret"],
    }
    assert [m.name for m in changes.unreleased] == ["20261206080000_add_bets_settled_index"]


@pytest.mark.parametrize(
    ("old", "new", "in_request", "expected"),
    [
        ({"a": Field("string", True)}, {}, False, [("a", "a removed", True)]),
        ({"a": Field("string", True)}, {}, True, [("a", "a removed", False)]),
        ({}, {"b": Field("integer", True)}, True, [("b", "required b added (integer)", True)]),
        ({}, {"b": Field("integer", False)}, False, [("b", "b added (integer)", False)]),
        (
            {"a": Field("string", True)},
            {"a": Field("integer", True)},
            False,
            [("a", "a type string -> integer", True)],
        ),
        (
            {"a": Field("string", False)},
            {"a": Field("string", True)},
            True,
            [("a", "a now required", True)],
        ),
        (
            {"x.a": Field("number", True)},
            {"x.b": Field("number", True)},
            False,
            [("x.b", "x.a renamed to x.b", True)],
        ),
    ],
)
def test_field_changes_and_whether_they_break_clients(
    old: dict, new: dict, in_request: bool, expected: list
) -> None:
    assert field_changes(old, new, request=in_request) == expected


def test_json_gives_every_release_delta_and_migration(cli: Invoke) -> None:
    result = cli("changes", REFERENCE, "--migrations", MIGRATIONS, "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["schema_version"], body["kind"]) == (1, "drillctl.changes")
    assert [r["version"] for r in body["releases"]] == ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]
    assert sum(len(r["deltas"]) for r in body["releases"]) == 6
    assert sum(len(r["migrations"]) for r in body["releases"]) == 4
    bets = body["releases"][2]["deltas"][1]
    assert bets["endpoint"] == "POST /api/bets" and bets["field"] == "stake" and bets["breaking"]
    assert body["unreleased_migrations"][0]["name"] == "20261206080000_add_bets_settled_index"


def test_route_and_since_narrow_the_list() -> None:
    changes = _lab()
    bets = narrowed(changes, route="/bets", since=None)
    assert [(s.release.version, [d.endpoint for d in s.deltas]) for s in bets.steps] == [
        ("1.2.0", ["POST /api/bets"])
    ]
    recent = narrowed(changes, route=None, since=datetime(2026, 12, 2, tzinfo=UTC))
    assert [s.release.version for s in recent.steps] == ["1.3.0"]


@pytest.mark.parametrize(
    ("route", "path", "matches"),
    [
        ("/bets", "/api/bets", True),
        ("/bets/settle", "/api/bets/settle", True),
        ("/players/7", "/api/players/{player_id}", True),
        ("/api/bets", "/api/bets", True),
        ("/bets", "/api/bets/{bet_id}", False),
        ("/ets", "/api/bets", False),
        ("http://127.0.0.1:58080/api/admin/signin?x=1", "/api/admin/signin", False),
    ],
)
def test_route_matching(route: str, path: str, matches: bool) -> None:
    assert route_matches(route, path) is matches


def test_since_on_the_cli_takes_days(cli: Invoke, context: Context) -> None:
    result = cli("changes", REFERENCE, "--since", "400d", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "## 1.3.0, 2026-12-04 (since 1.2.0)" in result.output


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


BASE = (REFERENCE / "openapi" / "v1.0.0.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("openapi: 3.0.3\ninfo: {title: x\n", ":3:1: unreadable: "),
        (
            BASE.replace("  version: 1.0.0\n", ""),
            ":3:3: info: invalid OpenAPI: 'version' is a required property",
        ),
        (
            BASE.replace('"#/components/schemas/Token"', '"#/components/schemas/Tokn"'),
            ":68:30: paths./api/admin/login.post.responses.200.content.application/json"
            ".schema.$ref: "
            "unresolvable $ref #/components/schemas/Tokn",
        ),
        ("- a list\n", ":1:1: not an OpenAPI document (a mapping is expected)"),
    ],
)
def test_a_malformed_snapshot_is_a_located_error(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path / "v9.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_openapi(path)
    assert str(caught.value).startswith(f"{path}{expected}")


def test_a_malformed_json_snapshot_is_located_in_the_json_file(tmp_path: Path) -> None:
    spec = json.loads((REFERENCE / "openapi" / "v1.2.0.json").read_text())
    del spec["info"]["title"]
    path = _write(tmp_path / "v1.2.0.json", json.dumps(spec, indent=2))
    with pytest.raises(ScenarioError) as caught:
        load_openapi(path)
    assert str(caught.value) == (
        f"{path}:3:11: info: invalid OpenAPI: 'title' is a required property"
    )


HEADINGS_LOG = """# Changelog

## [1.1.0] - 2026-10-06
Sign-in moved.

## 1.0.0 (2026-09-01)
First.
"""


def test_a_reference_written_by_someone_else(tmp_path: Path) -> None:
    """Versions as headings, snapshots found by name, a JSON snapshot among YAML ones."""
    ref = tmp_path / "ref"
    _write(ref / "CHANGELOG.md", HEADINGS_LOG)
    shutil.copy(
        REFERENCE / "openapi" / "v1.0.0.yaml", _write(ref / "specs" / "openapi-1.0.0.yml", "")
    )
    spec = yaml.safe_load((REFERENCE / "openapi" / "v1.1.0.yaml").read_text())
    _write(ref / "specs" / "1.1.0.json", json.dumps(spec))
    changes = read_changes(ref, None)
    assert [s.release.version for s in changes.steps] == ["1.0.0", "1.1.0"]
    assert len(changes.steps[1].deltas) == 2 and changes.unreleased == []


def test_a_version_log_table_with_other_headers_and_a_missing_column(tmp_path: Path) -> None:
    ref, _ = copy_reference(tmp_path)
    log = ref / "versions.md"
    log.write_text(
        log.read_text().replace("| Version |", "| release |").replace("| Date ", "| SHIPPED ")
    )
    assert len(read_changes(ref, None).steps) == 4
    log.write_text(log.read_text().replace("| SHIPPED ", "| When    "))
    with pytest.raises(ScenarioError) as caught:
        read_changes(ref, None)
    assert str(caught.value) == (
        f"{log}:7:1: missing column 'Date' (accepted names: Date, Released, Release date, Shipped)"
    )


def test_a_bad_date_and_a_missing_snapshot_are_located(tmp_path: Path) -> None:
    ref, _ = copy_reference(tmp_path)
    log = ref / "versions.md"
    log.write_text(log.read_text().replace("2026-10-06", "06/10/2026"))
    with pytest.raises(ScenarioError) as caught:
        read_changes(ref, None)
    assert str(caught.value) == f"{log}:10:13: date: '06/10/2026' is not a date (YYYY-MM-DD)"
    log.write_text(log.read_text().replace("06/10/2026", "2026-10-06"))
    (ref / "openapi" / "v1.3.0.yaml").unlink()
    with pytest.raises(ScenarioError) as caught:
        read_changes(ref, None)
    assert str(caught.value) == f"{log}:12:1: snapshot: 1.3.0: no openapi/v1.3.0.yaml"


def test_a_new_snapshot_reopens_the_api_changelog_item(cli: Invoke, tmp_path: Path) -> None:
    ref, migrations = copy_reference(tmp_path)
    cli("gate", "init", "--engineer", "Dana Kim")
    recorded = cli("changes", ref, "--migrations", migrations)
    assert "review recorded: " in recorded.output
    checked = cli("gate", "check", "api-changelog", "--reference", ref)
    assert checked.exit_code == 0, checked.output
    item = yaml.safe_load((tmp_path / gates.GATE_FILE).read_text())["items"]["api-changelog"]
    assert item["evidence"]["path"] == "api-reference"
    assert item["evidence"]["migrations"] == "migrations"
    assert "  ok  api-changelog" in cli("gate", "status").output
    _write(migrations / "20261207090000_more" / "migration.sql", "SELECT 1;\n")
    status = cli("gate", "status").output
    assert "  !!  api-changelog" in status and f"{ref} changed since it was reviewed" in status


def test_a_narrowed_view_is_not_recorded_as_a_review(cli: Invoke, context: Context) -> None:
    result = cli("changes", REFERENCE, "--route", "/bets")
    assert result.exit_code == 0 and "review recorded" not in result.output
    assert not (context.state_dir / "reviews" / "api-changelog.json").exists()
