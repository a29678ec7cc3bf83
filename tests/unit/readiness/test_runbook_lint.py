from __future__ import annotations

import json
import shutil
from pathlib import Path

from builtin_names import BUILTIN_SCENARIOS
from conftest import FIXTURES, RUNBOOKS, Invoke

from drillctl.readiness.lint import lint_path, lint_runbook
from drillctl.readiness.runbooks import runbook_files

BAD = FIXTURES / "runbooks-bad"
SEEDS = BUILTIN_SCENARIOS


def _located(path: Path) -> list[tuple[str, int, str]]:
    return [(Path(f.file).name, f.line, f.code) for f in lint_path(path)]


def test_the_repository_runbooks_are_lint_clean_and_cover_the_seed_scenarios() -> None:
    assert [p.stem for p in runbook_files(RUNBOOKS)] == SEEDS
    assert lint_path(RUNBOOKS) == []


def test_each_seed_runbook_has_both_command_forms_in_code() -> None:
    for name in SEEDS:
        text = (RUNBOOKS / f"{name}.md").read_text()
        assert "docker compose exec" in text
        assert "kubectl" in text and "aws ecs execute-command" in text


def test_every_defect_of_the_fixture_folder_is_found_where_it_is() -> None:
    assert _located(BAD) == [
        ("README.md", 7, "dangling-index-row"),
        ("README.md", 8, "duplicate-index-row"),
        ("missing-sections.md", 7, "missing-section"),  # where it belongs: before Diagnosis
        ("missing-sections.md", 14, "empty-section"),
        ("missing-sections.md", 16, "missing-section"),  # Prevention: at the end
        ("no-commands.md", 11, "no-local-command"),
        ("no-commands.md", 11, "no-deployed-command"),
        ("no-commands.md", 20, "no-rollback"),
        ("placeholders.md", 5, "placeholder"),
        ("placeholders.md", 15, "placeholder"),
        ("unindexed.md", 1, "no-title"),
        ("unindexed.md", 1, "not-indexed"),
    ]


def test_messages_name_what_is_missing() -> None:
    messages = [f.message for f in lint_runbook(BAD / "missing-sections.md")]
    assert messages == [
        "missing section '## Likely causes'",
        "section 'Fix' is empty",
        "missing section '## Prevention'",
    ]
    (dangling, _) = [f for f in lint_path(BAD) if f.file.endswith("README.md")]
    assert dangling.message == "index row points at missing file gone.md"


def test_a_shell_comment_in_a_code_block_does_not_end_the_section() -> None:
    codes = [f.code for f in lint_runbook(BAD / "no-commands.md")]
    assert "missing-section" not in codes


def test_linting_one_file_checks_its_index_entry_but_not_the_other_rows() -> None:
    assert _located(BAD / "unindexed.md") == [
        ("unindexed.md", 1, "no-title"),
        ("unindexed.md", 1, "not-indexed"),
    ]
    assert _located(BAD / "complete.md") == []


def test_a_folder_without_an_index_is_a_finding(tmp_path: Path) -> None:
    shutil.copy(BAD / "complete.md", tmp_path)
    assert _located(tmp_path) == [("README.md", 1, "no-index")]


def test_cli_prints_file_line_message_and_exits_1(cli: Invoke) -> None:
    result = cli("runbook", "lint", BAD / "placeholders.md")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{BAD / 'placeholders.md'}:5: placeholder {{{{TBD}}}} left",
        f"{BAD / 'placeholders.md'}:15: placeholder {{{{TBD}}}} left",
    ]


def test_cli_json_is_a_versioned_envelope(cli: Invoke) -> None:
    result = cli("runbook", "lint", BAD, "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert (body["schema_version"], body["kind"]) == (1, "drillctl.runbook-lint")
    assert [(Path(f["file"]).name, f["line"], f["code"]) for f in body["findings"]] == _located(BAD)


def test_cli_on_the_configured_runbooks_dir_is_clean(cli: Invoke) -> None:
    result = cli("runbook", "lint")
    assert (result.exit_code, result.output) == (0, "")
