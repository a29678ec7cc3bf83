"""list, show, validate, schema and run --dry-run through the real CLI (typer's CliRunner)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from builtin_names import BUILTIN_SCENARIOS
from typer.testing import CliRunner, Result

from drillctl.cli.app import app
from drillctl.commands.list import list_scenarios
from drillctl.scenario.catalog import builtin_dir

NAMES = BUILTIN_SCENARIOS
GOOD = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No drillctl.toml above the test's directory, no DRILLCTL_* from the developer's shell."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for key in [k for k in __import__("os").environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    return work


def drillctl(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_list_shows_the_builtins() -> None:
    result = drillctl("list")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "built-in" in line]
    assert [row.split("│")[1].strip() for row in rows] == NAMES
    assert "stop-service" in rows[0] and "P2" in rows[0]


def test_list_says_when_a_team_file_overrides_a_builtin(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team / "mine.yaml", GOOD)
    result = drillctl("--scenarios-dir", str(team), "list")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "bullmq-backpressure" in line)
    assert f"{team / 'mine.yaml'} (overrides built-in)" in row
    # the same through the environment
    result = drillctl("list", env={"DRILLCTL_SCENARIOS_DIR": str(team)})
    assert "(overrides built-in)" in result.stdout


def test_list_reports_broken_team_files_and_exits_2(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team / "a.yaml", GOOD.replace("name: bullmq-backpressure", "name: dup"))
    write(team / "b.yaml", GOOD.replace("name: bullmq-backpressure", "name: dup"))
    write(team / "c.yaml", "- not a mapping\n")
    result = drillctl("--scenarios-dir", str(team), "list")
    assert result.exit_code == 2
    assert "redis-cache-flush" in result.stdout  # the good ones are still listed
    assert f"{team / 'b.yaml'}:4:7: name: duplicate scenario name 'dup'" in result.stderr
    assert (
        f"{team / 'c.yaml'}:1:1: expected a mapping of scenario fields, got a list" in result.stderr
    )


# --format json: the versioned envelope a script reads (commands/list.py)


def test_list_json_is_a_versioned_envelope_of_the_builtins() -> None:
    result = drillctl("list", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["schema_version"], doc["kind"], doc["problems"]) == (
        1,
        "drillctl.scenario-list",
        [],
    )
    assert [s["name"] for s in doc["scenarios"]] == NAMES
    first = doc["scenarios"][0]
    assert (first["severity"], first["origin"], first["overrides_builtin"]) == (
        "P2",
        "built-in",
        False,
    )
    assert first["faults"] == ["stop-service"]


def test_list_json_names_the_broken_files_and_exits_2(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team / "mine.yaml", GOOD)
    write(team / "c.yaml", "- not a mapping\n")
    result = drillctl("--scenarios-dir", str(team), "list", "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    mine = next(s for s in doc["scenarios"] if s["name"] == "bullmq-backpressure")
    assert (mine["origin"], mine["path"], mine["overrides_builtin"]) == (
        "custom",
        str(team / "mine.yaml"),
        True,
    )
    [problem] = doc["problems"]
    assert (problem["file"], problem["line"], problem["col"]) == (str(team / "c.yaml"), 1, 1)
    assert "expected a mapping of scenario fields" in problem["message"]


def test_list_scenarios_takes_keywords_and_returns_the_result() -> None:
    listed = list_scenarios(scenarios_dir=None, variables={})
    assert [s.name for s in listed.scenarios] == NAMES
    assert listed.problems == []


def test_show_prints_the_resolved_scenario_as_yaml() -> None:
    result = drillctl(
        "show", "bullmq-backpressure", "--set", "api_service=api", "--set", "faults[0].duration=20s"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# bullmq-backpressure from built-in\n")
    data = yaml.safe_load(result.stdout)
    assert data["faults"] == [
        {"type": "stop-service", "name": "consumer-down", "service": "api", "duration": "20s"}
    ]
    assert data["vars"]["api_service"] == "api"
    assert data["evidence"][0]["service"] == "api"
    assert "recovery" in data and "timeout" in data["recovery"]


def test_show_keeps_env_references_and_masks_secret_values() -> None:
    shown = drillctl(
        "show", "redis-cache-flush", "--set", "redis_password=${env:EBIT_REDIS_PASSWORD}"
    )
    assert shown.exit_code == 0, shown.output
    data = yaml.safe_load(shown.stdout)
    assert data["faults"][0]["argv"] == ["redis-cli", "-a", "${env:EBIT_REDIS_PASSWORD}", "FLUSHDB"]
    literal = drillctl("show", "redis-cache-flush", "--set", "redis_password=hunter22")
    assert "hunter22" not in literal.stdout
    assert yaml.safe_load(literal.stdout)["faults"][0]["argv"] == [
        "redis-cli",
        "-a",
        "***",
        "FLUSHDB",
    ]


def test_show_full_adds_defaults() -> None:
    data = yaml.safe_load(drillctl("show", "ws-handshake-storm", "--full").stdout)
    assert data["faults"][0]["namespace"] == "/"
    assert data["dashboards"] == ["ebit-perf-test", "perf-system"]


def test_show_a_file_path(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yaml", GOOD.replace("name: bullmq-backpressure", "name: from-file"))
    result = drillctl("show", str(path))
    assert result.exit_code == 0 and yaml.safe_load(result.stdout)["name"] == "from-file"


def test_show_unknown_name_exits_2_with_the_known_names() -> None:
    result = drillctl("show", "nope")
    assert result.exit_code == 2
    assert "error: no scenario named 'nope'" in result.stderr
    known = "known: bullmq-backpressure, cache-partition, postgres-latency, redis-cache-flush"
    assert known in result.stderr


def test_validate_the_builtins_exits_0() -> None:
    files = [str(builtin_dir() / f"{name}.yaml") for name in NAMES]
    result = drillctl("validate", *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"ok  {f}  ({n})" for f, n in zip(files, NAMES, strict=True)
    ]


def test_validate_the_repo_scenarios_symlink() -> None:
    folder = Path(__file__).resolve().parents[3] / "scenarios"
    result = drillctl("validate", *sorted(str(p) for p in folder.glob("*.yaml")))
    assert result.exit_code == 0, result.output


BAD_INPUTS = {
    "not-yaml.yaml": ("name: [\n", ":2:1: not valid YAML"),
    "list.yaml": ("- a\n", ":1:1: expected a mapping of scenario fields, got a list"),
    "empty.yaml": ("", ":1:1: empty file: expected a scenario mapping"),
    "missing.yaml": (
        GOOD.replace("title:", "titel:"),
        ":5:1: titel: unknown key 'titel'; did you mean 'title'?",
    ),
    "type.yaml": (
        GOOD.replace("delta: 20", "delta: lots"),
        ":42:14: signals[0].symptom.delta: Input should be a valid number",
    ),
    "duration-60.yaml": (
        GOOD.replace("duration: 60s", "duration: 60"),
        ":33:15: faults[0].duration: a duration",
    ),
    "duration-neg.yaml": (
        GOOD.replace("duration: 60s", "duration: -5s"),
        ":33:15: faults[0].duration: duration '-5s' is negative",
    ),
    "duration-1y.yaml": (
        GOOD.replace("duration: 60s", "duration: 1y"),
        ":33:15: faults[0].duration: '1y' is not a duration",
    ),
    "fault-type.yaml": (
        GOOD.replace("type: stop-service", "type: stop-servce"),
        ":30:11: faults[0].type: unknown fault type 'stop-servce'",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_validate_each_bad_input_exits_2_with_a_located_message(tmp_path: Path, name: str) -> None:
    text, expected = BAD_INPUTS[name]
    path = write(tmp_path / name, text)
    result = drillctl("validate", str(path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(f"{path}:") for line in lines), lines
    if expected:
        assert any(line.startswith(f"{path}{expected}") for line in lines), lines


def test_validate_missing_required_fields_lists_each_one(tmp_path: Path) -> None:
    path = write(tmp_path / "min.yaml", "name: x\nfaults: []\n")
    result = drillctl("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:1:1: title: missing required field",
        f"{path}:1:1: severity: missing required field",
        f"{path}:1:1: description: missing required field",
        f"{path}:1:1: objective: missing required field",
        f"{path}:1:1: signals: missing required field",
        f"{path}:1:1: root_cause: missing required field",
        f"{path}:2:9: faults: List should have at least 1 item after validation, not 0",
    ]


def test_validate_a_huge_file_a_missing_one_and_an_empty_folder(tmp_path: Path) -> None:
    huge = write(tmp_path / "huge.yaml", "name: x\n" + "#" * (2 * 1024 * 1024))
    (tmp_path / "empty-folder").mkdir()
    args = [str(huge), str(tmp_path / "absent.yaml"), str(tmp_path / "empty-folder")]
    result = drillctl("validate", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{huge}:1:1: file is 2097160 bytes, over the 1048576-byte limit",
        f"{tmp_path / 'absent.yaml'}:1:1: cannot read: No such file or directory",
        f"{tmp_path / 'empty-folder'}:1:1: no *.yaml or *.yml files in this folder",
    ]


def test_validate_a_folder_finds_duplicate_names_and_broken_links(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    write(folder / "a.yaml", GOOD)
    write(folder / "b.yml", GOOD)
    (folder / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = drillctl("validate", str(folder))
    assert result.exit_code == 2
    assert f"ok  {folder / 'a.yaml'}  (bullmq-backpressure)" in result.stdout
    assert sorted(result.stderr.splitlines()) == [
        f"{folder / 'b.yml'}:4:7: name: duplicate scenario name 'bullmq-backpressure':"
        " a.yaml in the same folder has it",
        f"{folder / 'gone.yaml'}:1:1: cannot read: No such file or directory",
    ]


def test_validate_with_set_and_config_vars(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  api_service: ebit-api          # compose service that runs the BullMQ consumer\n", ""
    )
    path = write(tmp_path / "novar.yaml", text)
    undefined = drillctl("validate", str(path))
    assert undefined.exit_code == 2
    assert "undefined variable 'api_service'" in undefined.stderr
    assert drillctl("validate", str(path), "--set", "api_service=api").exit_code == 0
    assert drillctl("validate", str(path), env={"DRILLCTL_VAR_API_SERVICE": "api"}).exit_code == 0
    write(Path.cwd() / "drillctl.toml", '[vars]\napi_service = "api"\n')
    assert drillctl("validate", str(path)).exit_code == 0


def test_schema_is_json_schema_that_accepts_the_builtins() -> None:
    result = drillctl("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    for name in NAMES:
        data = yaml.safe_load((builtin_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert "stop-service" in result.stdout and "ws-storm" in result.stdout


@pytest.mark.parametrize("name", NAMES)
def test_run_dry_run_prints_the_plan_and_exits_0(name: str) -> None:
    result = drillctl("run", name, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"Drill plan: {name} [")
    for part in (
        "faults (injected in this order",
        "targets:",
        "duration:",
        "revert:",
        "observe:",
        "expect",
        "guardrails:",
    ):
        assert part in out, part
    assert out.rstrip().endswith("dry run: nothing was started, stopped or changed.")


def test_run_dry_run_with_set_and_a_bad_set() -> None:
    result = drillctl("run", "bullmq-backpressure", "--dry-run", "--set", "faults[0].duration=20s")
    assert "  1. stop-service (consumer-down): stop service ebit-api for 20s" in result.stdout
    bad = drillctl("run", "bullmq-backpressure", "--dry-run", "--set", "faults[0].duration=20")
    assert bad.exit_code == 2
    assert "faults[0].duration: '20' is not a duration" in bad.stderr
    assert "(from --set faults[0].duration=20)" in bad.stderr
    path = drillctl("run", "bullmq-backpressure", "--dry-run", "--set", "faults[4].duration=20s")
    assert path.exit_code == 2 and "faults has 1 item(s); index 4 is out of range" in path.stderr
    unknown = drillctl("run", "bullmq-backpressure", "--dry-run", "--set", "nope=1")
    assert unknown.exit_code == 2 and "'nope' is neither a variable" in unknown.stderr


def test_run_dry_run_of_a_broken_file_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", GOOD.replace("severity: P2", "severity: P7"))
    result = drillctl("run", str(path), "--dry-run")
    assert result.exit_code == 2
    assert f"{path}:6:11: severity: Input should be 'P0', 'P1', 'P2', 'P3' or 'P4'" in result.stderr


def test_the_installed_console_script_exits_2_on_a_bad_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", "name: [\n")
    script = Path(sys.executable).parent / "drillctl"
    done = subprocess.run(
        [str(script), "validate", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"{path}:2:1: not valid YAML")
    assert "Traceback" not in done.stderr
