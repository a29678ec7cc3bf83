"""typer's help renderer is imported without rich.markdown and rich.traceback, which drillctl's
help never uses; a caller that does use them still gets the real classes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Runs in a fresh interpreter: in this one, typer.rich_utils may be imported already.
SCRIPT = """
import json, sys
import drillctl.cli.app
import typer.rich_utils as ru
before = sorted(m for m in ("rich.markdown", "rich.traceback", "markdown_it") if m in sys.modules)
shown = ru._make_rich_text(text="**bold**", markup_mode="markdown")
try:
    raise ValueError("boom")
except ValueError as exc:
    tb = ru.Traceback.from_exception(type(exc), exc, exc.__traceback__)
import rich.markdown, rich.traceback
print(json.dumps({
    "before": before,
    "markdown": type(shown) is rich.markdown.Markdown,
    "traceback": type(tb) is rich.traceback.Traceback,
    "module": sys.modules["rich.markdown"].Markdown is rich.markdown.Markdown
    and hasattr(rich.markdown, "MarkdownContext"),
}))
"""


def run_script(tmp_path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_the_renderer_imports_without_markdown_and_traceback(tmp_path: Path) -> None:
    assert run_script(tmp_path)["before"] == []


def test_the_renderer_still_builds_real_markdown_and_tracebacks(tmp_path: Path) -> None:
    answer = run_script(tmp_path)
    assert answer["markdown"] is True
    assert answer["traceback"] is True
    assert answer["module"] is True  # the real module, not the stand-in, for later importers
