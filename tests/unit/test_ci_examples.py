"""The CI templates under examples/ci/ cannot run here: check they are valid YAML with the shape
each CI expects, and that every `drillctl ...` command line they run parses against the CLI
(typer's click command, parsed strictly without invoking anything)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from drillctl.cli.app import app

try:  # typer vendors its own click since 0.2x; its errors are not click's
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - typer on the public click
    from click import UsageError  # type: ignore[assignment]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ci"
GITHUB = EXAMPLES / "github-actions-nightly.yml"
GITLAB = EXAMPLES / "gitlab-ci.yml"
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")"}
KEYWORDS = {"then", "else", "do", "!", "if", "elif", "while"}
REDIRECTS = {">", ">>", "<", ">&", "<&", ">|"}  # the operator and its target are not arguments


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def github_scripts() -> list[str]:
    jobs = load(GITHUB)["jobs"]
    return [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]


def gitlab_scripts() -> list[str]:
    job = load(GITLAB)["chaos-drills"]
    return [line for key in ("before_script", "script", "after_script") for line in job[key]]


def commands(script: str) -> Iterator[list[str]]:
    """Every simple command of a shell script whose program is drillctl, as argv after it."""
    text = re.sub(r"\\\n", " ", script)
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        tokens = iter([*lexer, ";"])
        for token in tokens:
            if token in REDIRECTS:
                next(tokens, None)
                continue
            if token in SEPARATORS:
                while current and current[0] in KEYWORDS:
                    current.pop(0)
                if current and Path(current[0]).name == "drillctl":
                    yield current[1:]
                current = []
            else:
                current.append(token)


def parse(argv: list[str]) -> Any:
    """Parse like `drillctl ARGV` would, down to the leaf command (a click Context); raise
    UsageError as the CLI would exit 2."""
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("drillctl", list(argv))
    while hasattr(command, "resolve_command"):  # a group
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            break
        name, sub, args = command.resolve_command(ctx, rest)
        assert name is not None and sub is not None
        ctx = sub.make_context(name, args, parent=ctx)
        command = sub
    return ctx


def all_commands() -> list[list[str]]:
    found = [argv for script in github_scripts() + gitlab_scripts() for argv in commands(script)]
    assert found, "the examples run drillctl"
    return found


@pytest.mark.parametrize("argv", all_commands(), ids=lambda argv: " ".join(argv)[:60])
def test_every_drillctl_command_in_the_examples_parses(argv: list[str]) -> None:
    ctx = parse(argv)
    assert ctx.command_path.split()[1:] == argv[: len(ctx.command_path.split()) - 1]


def test_the_examples_run_the_nightly_sequence() -> None:
    for scripts in (github_scripts(), gitlab_scripts()):
        verbs = [" ".join(argv[:2]) for s in scripts for argv in commands(s)]
        assert verbs.index("history import") < verbs.index("suite --all")
        assert verbs.index("suite --all") < verbs.index("history export")
        suite = next(argv for s in scripts for argv in commands(s) if argv[0] == "suite")
        ctx = parse(suite)
        assert ctx.params["junit"] == Path("reports/junit.xml")
        assert ctx.params["fail_on_regression"] is True
        text = "\n".join(scripts)
        assert "docker compose" in text and "up --detach --wait" in text


def test_github_workflow_is_nightly_and_uploads_the_runs_and_junit() -> None:
    data = load(GITHUB)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]
    steps = data["jobs"]["drills"]["steps"]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    upload = uses["actions/upload-artifact"]
    assert upload["if"] == "${{ always() }}"
    assert {"reports/", ".drillctl/runs/"} <= set(upload["with"]["path"].split())
    assert uses["actions/cache/restore"]["with"]["path"] == "drill-history"
    assert uses["actions/cache/save"]["if"] == "${{ always() }}"


def test_gitlab_job_runs_on_schedule_and_keeps_junit_and_runs() -> None:
    job = load(GITLAB)["chaos-drills"]
    assert any("schedule" in rule["if"] for rule in job["rules"])
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "reports/junit.xml"
    assert {"reports/", ".drillctl/runs/"} <= set(job["artifacts"]["paths"])
    assert job["cache"]["paths"] == ["drill-history/"]


@pytest.mark.parametrize(
    "argv",
    [["suite", "--al"], ["suite", "--tolerance"], ["history", "imports", "x"], ["nightly"]],
)
def test_the_parser_is_strict(argv: list[str]) -> None:
    with pytest.raises(UsageError):
        parse(argv)


def test_commands_finds_drillctl_in_compound_lines() -> None:
    script = (
        'if [ -f "$F" ]; then drillctl history import "$F"; fi\n'
        "cd x && .venv/bin/drillctl suite --all \\\n  --junit j.xml || true  # comment\n"
        "echo drillctl is not run here\n"
        'drillctl report latest -F markdown >> "$GITHUB_STEP_SUMMARY"\n'
    )
    assert list(commands(script)) == [
        ["history", "import", "$F"],
        ["suite", "--all", "--junit", "j.xml"],
        ["report", "latest", "-F", "markdown"],
    ]


def test_the_templates_install_drillctl_from_a_pinned_source_not_by_name() -> None:
    for path, env in (
        (GITHUB, load(GITHUB)["jobs"]["drills"]["env"]),
        (GITLAB, load(GITLAB)["chaos-drills"]["variables"]),
    ):
        lines = path.read_text(encoding="utf-8").splitlines()
        text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
        assert "pip install drillctl" not in text and "--quiet drillctl" not in text
        assert '"drillctl @ $DRILLCTL_SOURCE"' in text
        assert re.fullmatch(r"git\+https://\S+\.git@v\d+\.\d+\.\d+", env["DRILLCTL_SOURCE"])


def test_the_github_job_summary_gets_the_markdown_report() -> None:
    steps = load(GITHUB)["jobs"]["drills"]["steps"]
    summary = next(step for step in steps if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    report = next(argv for argv in commands(summary["run"]) if argv[0] == "report")
    assert parse(report).params["format_"] == "markdown"
    assert "slack" not in summary["run"]
