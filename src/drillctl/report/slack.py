"""The Slack timeline: mrkdwn ready to paste, and a Block Kit payload for an incoming webhook.

The paste file and the terminal get plain text (``render_slack``): the composer shows entities
literally. For the API (``render_mrkdwn``, the webhook payload) every dynamic string goes through
``escape`` (``&`` → ``&amp;``, ``<`` → ``&lt;``, ``>`` → ``&gt;``,
nothing else; api-contracts §6), so a hypothesis reading ``<!channel>`` cannot ping anyone. Link
URLs have ``|``, ``<``, ``>`` percent-encoded and their labels escaped. The payload respects Slack's
limits: header ≤ 150 characters (plain text), section text ≤ 3000, ≤ 50 blocks, fallback ``text``
≤ 4000, and the whole payload is kept near 12,000 characters (the timeline is cut with a pointer to
the full text in the run directory). The sections are built in ``slack_sections.py``;
posting lives in ``slack_post.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drillctl.report.fmt import seconds, truncate
from drillctl.report.model import DrillSummary
from drillctl.report.slack_post import WebhookResult, post_to_webhook
from drillctl.report.slack_sections import escape, mitigate_text, sections

__all__ = [
    "WebhookResult",
    "escape",
    "post_to_webhook",
    "render_slack",
    "slack_payload",
    "suite_line",
]

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 4000
PAYLOAD_BUDGET = 12_000

_LINK = re.compile(r"<([^|<>\s]+)\|([^<>]*)>")


def plain(mrkdwn: str) -> str:
    """mrkdwn as the Slack composer wants it pasted: links as ``label (url)`` and no entities
    (the composer shows ``&gt;`` literally; entities are for the API). Escaped text never holds a
    raw ``<``, so every ``<url|label>`` left is a link drillctl made."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_slack(summary: DrillSummary, links: Mapping[str, str] | None = None) -> str:
    """The paste file and the terminal's text: plain, for the composer (``plain``)."""
    return plain(render_mrkdwn(summary, links))


def render_mrkdwn(summary: DrillSummary, links: Mapping[str, str] | None = None) -> str:
    """The escaped mrkdwn for the API: header line, then each section after a blank line."""
    parts = [f"*{escape(header_text(summary))}*"]
    parts += ["\n".join(lines) for _, lines in sections(summary, links or {})]
    return "\n\n".join(parts) + "\n"


def header_text(summary: DrillSummary) -> str:
    severity = f" ({summary.severity})" if summary.severity else ""
    blind = "blind " if summary.blind else ""
    return (
        f"Chaos {blind}drill {summary.scenario}{severity}: {summary.result.upper()}{_harm(summary)}"
    )


def _harm(summary: DrillSummary) -> str:
    """The harm next to the result: what was lost, and whether the scenario expected it."""
    lost = summary.jobs_lost
    if not lost:
        return ""
    unit = next((s.unit for s in summary.signals if s.unit in ("bets", "jobs")), None) or "jobs"
    expected = "expected by this scenario" if summary.result == "passed" else "harm done"
    return f" — {lost:,.0f} {unit} lost, {expected}"


def suite_line(summary: DrillSummary) -> str:
    """One mrkdwn line for a suite summary: scenario, result and the key durations."""
    d = summary.durations
    mark = ":white_check_mark:" if summary.result == "passed" else ":x:"
    return (
        f"{mark} *{escape(summary.scenario)}* {escape(summary.result)}"
        f" · detect {seconds(d.detect_s)} · hypothesis {seconds(d.hypothesis_s)}"
        f" · mitigate {escape(mitigate_text(summary, by=False))} · recover {seconds(d.recover_s)}"
        f" · `{escape(summary.run_id)}`"
    )


def slack_payload(summary: DrillSummary, links: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``{"text", "blocks"}`` for an incoming webhook, within Slack's limits."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate(header_text(summary), HEADER_LIMIT)},
        }
    ]
    budget = PAYLOAD_BUDGET
    for _, lines in sections(summary, links or {}):
        for text in _chunks(lines):
            if len(blocks) >= MAX_BLOCKS - 1 or len(text) > budget:
                return _finish(summary, blocks, cut=True)
            budget -= len(text)
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    return _finish(summary, blocks, cut=False)


def _chunks(lines: list[str]) -> list[str]:
    """Pack lines into texts of at most SECTION_LIMIT characters (a too-long line is cut)."""
    chunks: list[str] = []
    current = ""
    for line in (truncate(line, SECTION_LIMIT) for line in lines):
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*chunks, current] if current else chunks


def _finish(summary: DrillSummary, blocks: list[dict[str, Any]], *, cut: bool) -> dict[str, Any]:
    note = f"drillctl · run {escape(summary.run_id)}"
    if cut:
        note += " · message cut to fit Slack's limits: the full timeline is in timeline.slack.txt"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return {"text": truncate(_fallback(summary), TEXT_LIMIT), "blocks": blocks}


def _fallback(summary: DrillSummary) -> str:
    d = summary.durations
    mitigate = escape(mitigate_text(summary, by=False))
    return (
        f"{escape(header_text(summary))}: detect {seconds(d.detect_s)},"
        f" hypothesis {seconds(d.hypothesis_s)}, mitigate {mitigate},"
        f" recover {seconds(d.recover_s)}"
    )
