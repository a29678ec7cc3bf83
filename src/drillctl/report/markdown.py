"""The Markdown report (``timeline.md``): the same facts as the Slack text, for a wiki or a PR.

Dynamic text is escaped for GitHub-flavoured Markdown tables and inline HTML: ``<``/``>`` become
entities (no raw HTML from a hypothesis), ``|`` is backslash-escaped, newlines collapse.
"""

from __future__ import annotations

from collections.abc import Mapping

from drillctl.report.fmt import (
    clock,
    item_text,
    mitigate_words,
    number,
    one_line,
    plural,
    seconds,
    stamp,
    with_unit,
)
from drillctl.report.model import AlertSummary, DrillSummary, SignalSummary
from drillctl.report.slack import header_text


def md(text: object) -> str:
    return one_line(str(text)).replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def render_markdown(summary: DrillSummary, links: Mapping[str, str] | None = None) -> str:
    parts = [
        f"# {md(header_text(summary))}",
        _overview(summary),
        _durations(summary),
        _dashboards(summary, links or {}),
        _signals(summary),
        _alerts(summary),
        _expectations(summary),
        _hypothesis(summary),
        _blind(summary),
        _remarks(summary),
        _timeline(summary),
        _evidence(summary),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _overview(s: DrillSummary) -> str:
    target = f"{s.project} ({s.driver})" if s.project else "n/a"
    ended = f"{stamp(s.at.ended)} ({seconds(s.durations.drill_s)})" if s.at.ended else "not ended"
    rows = [
        ["Run", f"`{md(s.run_id)}`"],
        ["Scenario", md(s.scenario) + (f": {md(s.title)}" if s.title else "")],
        ["Mode", md(s.mode or "?")],
        ["Operator", md(s.operator or "?")],
        ["Target", md(target)],
        ["Started", stamp(s.at.started)],
        ["Ended", ended],
        [
            "Result",
            f"**{md(s.result)}** (exit {s.exit_code})" + (f": {md(s.reason)}" if s.reason else ""),
        ],
    ]
    rows += [["Issue", md(issue)] for issue in s.issues]
    rows.append(["Journal", md(s.journal_words)])
    rows += [["Unavailable source", md(f"{k}: {v}")] for k, v in s.unavailable_sources.items()]
    return _table(["", ""], rows)


def _durations(s: DrillSummary) -> str:
    d = s.durations
    target = seconds(d.hypothesis_target_s)
    within = {True: f"under the {target} target", False: f"over the {target} target", None: ""}
    rows = [
        ["Time to detect", seconds(d.detect_s), "inject → symptom"],
        ["Time to acknowledge", seconds(d.acknowledge_s), "symptom → acknowledge"],
        [_hypothesis_label(s), seconds(d.hypothesis_s), within[d.hypothesis_within_target]],
        ["Time to mitigate", *_mitigate_cells(s)],
        ["Time to recover", seconds(d.recover_s), f"{_recover_from(s)} → recovered"],
    ]
    if s.mode == "interactive" and d.hypothesis_drillctl_s is not None:
        rows.insert(3, ["drillctl's own hypothesis", seconds(d.hypothesis_drillctl_s), ""])
    if s.blind:
        hints = plural(d.hints_before_hypothesis, "hint")
        rows.append(
            ["Unaided time", seconds(d.hypothesis_unaided_s), f"{hints} before the hypothesis"]
        )
        rows.append(["Time to hypothesis without hints", seconds(d.hypothesis_without_hints_s), ""])
    return "## Key durations\n\n" + _table(["Measure", "Value", "Note"], rows)


def _hypothesis_label(s: DrillSummary) -> str:
    who = (
        s.hypothesis.by
        if s.hypothesis
        else ("responder" if s.mode == "interactive" else "drillctl")
    )
    return f"Time to hypothesis ({md(who)})"


def _mitigate_cells(s: DrillSummary) -> list[str]:
    d = s.durations
    if d.nothing_to_revert or d.mitigate_s is None:
        return [md(mitigate_words(d.nothing_to_revert, d.mitigate_s, None)), ""]
    start = "injection" if d.mitigate_from == "injection" else "symptom"
    return [seconds(d.mitigate_s), f"{start} → first revert ({s.first_revert_by or 'n/a'})"]


def _recover_from(s: DrillSummary) -> str:
    return "symptom" if s.durations.nothing_to_revert else "first revert"


def _dashboards(s: DrillSummary, links: Mapping[str, str]) -> str:
    if not links:
        return "## Dashboards\n\nLinks unavailable: no Grafana URL or dashboard uid known."
    items = [
        f"- [{md(title)}]({url.replace(' ', '%20').replace(')', '%29')})"
        for title, url in links.items()
    ]
    return "## Dashboards\n\n" + "\n".join(items)


def _extreme(sig: SignalSummary) -> str:
    if sig.peak is None:
        return md(with_unit(sig.peak, sig.unit))
    at = f" at {clock(sig.peak_at)}" if sig.peak_at else ""
    return f"{sig.extreme_word} {md(with_unit(sig.peak, sig.unit))}{at}"


def _signals(s: DrillSummary) -> str:
    rows = [
        [
            md(sig.name),
            md(sig.no_data or with_unit(sig.baseline, sig.unit)),
            _extreme(sig),
            clock(sig.symptom_at) if sig.symptom_at else "",
            clock(sig.recovered_at) if sig.recovered_at else "",
        ]
        for sig in s.signals
    ]
    head = ["Signal", "Baseline", "Peak or low", "Symptom", "Recovered"]
    return "## Signals\n\n" + _table(head, rows) if rows else ""


def _alerts(s: DrillSummary) -> str:
    if not s.alerts:
        return "## Alerts\n\nNone fired."
    rows = [
        [
            md(a.name) + (" (silenced: nobody paged)" if a.silenced else ""),
            _fired_after(a),
            clock(a.resolved_at),
        ]
        for a in s.alerts
    ]
    return "## Alerts\n\n" + _table(["Alert", "Fired after injection", "Resolved"], rows)


def _fired_after(alert: AlertSummary) -> str:
    if alert.fired_at is None:
        return "never fired"
    return "already firing before the fault" if alert.before_injection else seconds(alert.latency_s)


def _expectations(s: DrillSummary) -> str:
    if not s.expectations:
        return ""
    rows = [
        [
            "PASS" if e.passed else "**FAIL**",
            md(e.name),
            _bound(e.name, e.expected),
            _bound(e.name, e.actual),
            md(e.detail or ""),
        ]
        for e in s.expectations
    ]
    return "## Expectations\n\n" + _table(["", "Expectation", "Expected", "Actual", "Detail"], rows)


def _bound(name: str, value: object) -> str:
    """Timing expectations (symptom, alert:*, recovered) count seconds: show them as durations."""
    timed = name in ("symptom", "recovered") or name.startswith("alert:")
    if timed and isinstance(value, int | float) and not isinstance(value, bool):
        return seconds(float(value))
    return "n/a" if value is None else md(value if not isinstance(value, float) else number(value))


def _hypothesis(s: DrillSummary) -> str:
    if s.hypothesis is None:
        return "## Hypothesis\n\nNone stated."
    h = s.hypothesis
    lines = [f"## Hypothesis\n\nBy {md(h.by)} at {clock(h.at)} UTC:\n\n> {md(h.text)}"]
    if s.verdict:
        word = "matches" if s.verdict.matched else "does not match"
        lines.append(f"Verdict by {md(s.verdict.by)}: {word} the root cause.")
    if s.root_cause:
        lines.append(f"Expected root cause: {md(s.root_cause)}")
    if len(s.hypotheses) > 1:
        earlier = [f"- {clock(x.at)} {md(x.text)}" for x in s.hypotheses[:-1]]
        lines.append("Earlier hypotheses:\n\n" + "\n".join(earlier))
    return "\n\n".join(lines)


def _blind(s: DrillSummary) -> str:
    if not s.blind:
        return ""
    if s.reveal is None:
        return f"## Blind drill\n\nScenario not revealed yet (seed {s.seed})."
    head = (
        f"## Blind drill\n\nScenario hidden until {clock(s.reveal.at)} UTC, "
        f"revealed as **{md(s.reveal.scenario)}** (seed {s.seed}). Hints: {len(s.hints)}."
    )
    hints = [f"- {clock(h.at)} {md(h.by or '?')}: {md(h.text)}" for h in s.hints]
    return "\n\n".join([head, "\n".join(hints)]) if hints else head


def _remarks(s: DrillSummary) -> str:
    rows = [
        [clock(r.at), r.kind, md(r.by or ""), md(r.text)]
        for r in s.remarks
        if r.kind in ("decision", "note", "debrief", "page")
    ]
    return (
        "## Decisions and notes\n\n" + _table(["Time (UTC)", "Kind", "By", "Text"], rows)
        if rows
        else ""
    )


def _timeline(s: DrillSummary) -> str:
    rows = [[clock(e.at), md(e.text)] for e in s.timeline]
    return "## Timeline\n\n" + _table(["Time (UTC)", "Event"], rows)


def _evidence(s: DrillSummary) -> str:
    if not s.evidence:
        return ""
    lines = ["## Evidence"]
    for ev in s.evidence:
        lines.append(
            f"- {clock(ev.at)} **{md(ev.kind)}** ({md(ev.source or '?')}): {md(ev.summary)}"
        )
        lines += [f"  - `{md(item_text(item)).replace('`', '')}`" for item in ev.items[:10]]
    return "\n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:])
