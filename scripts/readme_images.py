"""Render the README's two pictures from a real run: the live panel and the Slack timeline.

    .venv/bin/python scripts/readme_images.py compose/.drillctl/runs/<run-id>

The panel is folded from the run's own journal up to a moment mid-drill (symptom seen, fault still
in place), exactly as the engine folds it live; the timeline is the run's `timeline.slack.txt`.
Both are saved as SVG terminal captures under docs/img/.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.text import Text

from drillctl.core.journal import Event, read_events
from drillctl.operator.panel import PanelView, render

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def _moment(events: list[Event]) -> int:
    """Index of the last event shown: a few seconds after the first symptom, before the revert."""
    symptom = next((e for e in events if e.type == "symptom"), None)
    if symptom is None:
        return len(events)
    until = symptom.ts + timedelta(seconds=8)
    shown = [i for i, e in enumerate(events) if e.ts <= until and e.type != "fault.revert-started"]
    return shown[-1] + 1


def panel_svg(events: list[Event], target: Path) -> None:
    cut = _moment(events)
    view = PanelView.fold(events[:cut])
    console = Console(record=True, width=80, force_terminal=True, color_system="truecolor")
    console.print(render(view, events[cut - 1].ts))
    console.save_svg(str(target), title="drillctl run bullmq-backpressure — live panel")


def slack_svg(text: str, target: Path) -> None:
    console = Console(record=True, width=100, force_terminal=True, color_system="truecolor")
    console.print(Text(text))
    console.save_svg(str(target), title="timeline.slack.txt — paste into the incident channel")


def main(run_dir: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    panel_svg(read_events(run_dir / "journal.jsonl"), OUT / "panel.svg")
    timeline = (run_dir / "timeline.slack.txt").read_text(encoding="utf-8")
    slack_svg(timeline, OUT / "slack-timeline.svg")
    sys.stdout.write(f"wrote {OUT / 'panel.svg'} and {OUT / 'slack-timeline.svg'}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
