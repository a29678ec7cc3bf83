"""Every loader of a user file, fed documented files and corruptions of them: it returns its
result or raises the one user-facing error type (DrillError, exit 2). Nothing else escapes."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from drillctl.config import load_settings
from drillctl.core.durations import MAX_DURATION, parse_duration
from drillctl.core.errors import DrillError, ScenarioError
from drillctl.core.journal import read_events
from drillctl.readiness.escalation import check_static
from drillctl.readiness.lint import lint_runbook
from drillctl.scenario.catalog import builtin_dir
from drillctl.scenario.loader import load_bytes
from drillctl.scenario.overrides import parse_assignments

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")
CONFIG = (ROOT / "drillctl.toml").read_text(encoding="utf-8")
RUNBOOK = (ROOT / "runbooks" / "bullmq-backpressure.md").read_text(encoding="utf-8")
MATRIX = (ROOT / "tests" / "fixtures" / "readiness" / "matrix-bad.md").read_text(encoding="utf-8")

NASTY = st.sampled_from(
    [
        "9" * 5000,
        "9999999999999999999999h",
        "0s",
        "-1s",
        "99999h",
        "${var:name",
        "${env:X",
        "http://[::1",
        "http://h:99999/",
        "\x00",
        "\ufeff",
        "\r\n",
        "{{ tbd }}",
        "```",
        "<!--",
        "*a",
        "&a [*a]",
        "!!python/object:os.system",
        "~",
        "[",
        "{",
        ": :",
        "'",
        '"',
        "\t",
        "2001-13-45",
        ".inf",
        "0x1F",
        "1e999",
        "é",
        "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    ]
)


@st.composite
def edited(draw: st.DrawFn, text: str) -> bytes:
    """``text`` with a few lines replaced, values swapped for nasty ones, bytes broken."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        action = draw(st.sampled_from(["value", "value", "insert", "delete", "text"]))
        if (action == "value" and ":" in line) or "=" in line:
            sep = ":" if ":" in line else "="
            lines[index] = line.split(sep, 1)[0] + sep + " " + draw(NASTY)
        elif action == "insert":
            lines.insert(index, draw(NASTY))
        elif action == "delete":
            del lines[index]
        else:
            lines[index] = draw(st.text(max_size=30))
    raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    tail = draw(st.sampled_from([b"", b"", b"\xff", b"\xef\xbb\xbf", b"\r\n", b"\xc3"]))
    return raw + tail if draw(st.booleans()) else tail + raw


def write(tmp: Path, name: str, raw: bytes) -> Path:
    path = tmp / name
    path.write_bytes(raw)
    return path


@given(edited(SCENARIO) | st.binary(max_size=200))
def test_scenario_files(raw: bytes) -> None:
    try:
        load_bytes(raw, "s.yaml")
    except ScenarioError as exc:
        assert all(p.file == "s.yaml" and p.line >= 1 and p.col >= 1 for p in exc.problems)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "baseline",
                    "faults[0].duration",
                    "api_service",
                    "signals[0].query",
                    "guardrails.max_fault_duration",
                    "faults[9].x",
                    "vars",
                    "x..y",
                    "faults[-1]",
                ]
            ),
            NASTY | st.text(max_size=12),
        ),
        max_size=3,
    )
)
def test_set_assignments(pairs: list[tuple[str, str]]) -> None:
    with contextlib.suppress(DrillError):
        load_bytes(
            SCENARIO.encode(), "s.yaml", sets=parse_assignments(f"{k}={v}" for k, v in pairs)
        )


@given(st.text(max_size=40))
def test_durations(text: str) -> None:
    try:
        value = parse_duration(text)
    except ValueError:
        return
    assert value <= MAX_DURATION


@given(edited(CONFIG) | st.binary(max_size=200))
def test_drillctl_toml(raw: bytes) -> None:
    with _tmp() as tmp:
        path = write(tmp, "drillctl.toml", raw)
        try:
            load_settings(config_path=path, env={}, cwd=tmp)
        except DrillError as exc:
            assert str(exc).strip()


@given(
    st.lists(
        st.text(max_size=40)
        | st.sampled_from(
            [
                '{"seq":1,"ts":"2026-03-03T14:00:00Z","mono":1.0,"type":"phase","data":{"phase":"x"}}',
                "[" * 5000,
                '{"seq":"x"}',
                "null",
                "\x00",
                '{"seq":1e999}',
            ]
        ),
        max_size=6,
    )
)
def test_journal_lines(lines: list[str]) -> None:
    with _tmp() as tmp:
        path = write(tmp, "journal.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))
        events = read_events(path)
        assert all(event.type for event in events)


@given(edited(RUNBOOK) | st.binary(max_size=200))
def test_runbooks(raw: bytes) -> None:
    with _tmp() as tmp:
        path = write(tmp, "r.md", raw)
        try:
            findings = lint_runbook(path)
        except ScenarioError:
            return
        lines = (
            raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
        )  # CR ends a line too
        assert all(1 <= f.line <= lines for f in findings)


@given(edited(MATRIX) | st.binary(max_size=200))
def test_escalation_matrices(raw: bytes) -> None:
    with _tmp() as tmp:
        try:
            _, findings = check_static(write(tmp, "matrix.md", raw))
        except ScenarioError:
            return
        assert all(f.line >= 1 for f in findings)


class _tmp:
    """A fresh folder per example (pytest's tmp_path is one per test, not per example)."""

    def __enter__(self) -> Path:
        import tempfile

        self._dir = tempfile.TemporaryDirectory()
        return Path(self._dir.name)

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()
