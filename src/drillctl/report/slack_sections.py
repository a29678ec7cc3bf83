"""The Slack text's sections (overview, key durations, dashboards, signals, alerts, hypothesis,
blind drill, timeline, evidence) as escaped mrkdwn lines; ``slack.py`` joins them into the paste
text and cuts them into the webhook's blocks.

Every dynamic string goes through ``escape`` (``&`` → ``&amp;``, ``<`` → ``&lt;``, ``>`` →
``&gt;``, nothing else; api-contracts §6), so a hypothesis reading ``<!channel>`` cannot ping
anyone; ``slack.plain`` undoes it for the paste file.
"""

from __future__ import annotations

from collections.abc import Mapping

from drillctl.report.fmt import (
    clock,
    item_text,
    mitigate_words,
    one_line,
    plural,
    seconds,
    stamp,
    truncate,
    with_unit,
)
from drillctl.report.model import DrillSummary, SignalSummary

EVIDENCE_SUMMARY_LIMIT = 300
EVIDENCE_ITEM_LIMIT = 200
EVIDENCE_ITEMS = 3


def escape(text: object) -> str:
    """Escape the three characters mrkdwn gives meaning to, ``&`` first."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    safe = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"<{safe}|{escape(label)}>"


def sections(summary: DrillSummary, links: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Named groups of mrkdwn lines; the text and the blocks are both cut from these."""
    found = [
        ("overview", _overview(summary)),
        ("durations", _durations(summary)),
        ("dashboards", _dashboards(summary, links)),
        ("signals", _signals(summary)),
        ("alerts", _alerts(summary)),
        ("hypothesis", _hypothesis(summary)),
        ("blind", _blind(summary)),
        ("timeline", _timeline(summary)),
        ("evidence", _evidence(summary)),
    ]
    return [(name, lines) for name, lines in found if lines]


def _overview(s: DrillSummary) -> list[str]:
    lines = [f"_{escape(s.title)}_"] if s.title else []
    target = (
        f" · target {escape(s.project)}" + (f" ({escape(s.driver)})" if s.driver else "")
        if s.project
        else ""
    )
    lines.append(
        f"Run `{escape(s.run_id)}` · {escape(s.mode or '?')}"
        f" · operator {escape(s.operator)}{target}"
    )
    end = f" → {clock(s.at.ended)} ({seconds(s.durations.drill_s)})" if s.at.ended else ""
    lines.append(f"{stamp(s.at.started)}{end}")
    if s.reason:
        lines.append(f"Result: *{escape(s.result)}* (exit {s.exit_code}): {escape(s.reason)}")
    lines += [f":warning: {escape(issue)}" for issue in s.issues]
    lines.append(("" if not s.unreadable_lines else ":warning: ") + f"Journal: {s.journal_words}")
    if s.unavailable_sources:  # each with why: never shown as a source that found nothing
        why = "; ".join(f"{escape(k)}: {escape(v)}" for k, v in s.unavailable_sources.items())
        lines.append(f"Sources unavailable: {why}")
    return lines


def _durations(s: DrillSummary) -> list[str]:
    d = s.durations
    ack = (
        "n/a (unattended)"
        if s.mode != "interactive"
        else _or(d.acknowledge_s, "never acknowledged")
    )
    since = " from the injection (no symptom)" if d.mitigate_from == "injection" else ""
    return [
        "*Key durations*",
        f"• Time to detect: {seconds(d.detect_s)} (inject → symptom)",
        f"• Time to acknowledge: {ack}",
        *_hypothesis_lines(s),
        f"• Time to mitigate: {escape(mitigate_text(s))}{since}",
        f"• Time to recover: {_or(d.recover_s, 'not recovered')} ({_recover_from(s)} → recovered)",
    ]


def mitigate_text(s: DrillSummary, *, by: bool = True) -> str:
    d = s.durations
    return mitigate_words(d.nothing_to_revert, d.mitigate_s, s.first_revert_by if by else None)


def _recover_from(s: DrillSummary) -> str:
    return "symptom" if s.durations.nothing_to_revert else "revert"


def _hypothesis_lines(s: DrillSummary) -> list[str]:
    """The judged time to hypothesis, labelled with whose it is; in an interactive run drillctl's
    own follows on its own labelled line."""
    d = s.durations
    lines = [f"• Time to hypothesis ({escape(s.hypothesis_by)}): {_hypothesis_time(s)}"]
    if s.mode == "interactive" and d.hypothesis_drillctl_s is not None:
        own = seconds(d.hypothesis_drillctl_s)
        lines.append(f"• drillctl's own hypothesis: {own} after the symptom")
    return lines


def _or(value: float | None, missing: str) -> str:
    return seconds(value) if value is not None else missing


def _hypothesis_time(s: DrillSummary) -> str:
    d = s.durations
    if d.hypothesis_s is None:
        return "none stated"
    target = seconds(d.hypothesis_target_s)
    mark = (
        f":white_check_mark: under the {target} target"
        if d.hypothesis_within_target
        else f":x: over the {target} target"
    )
    if d.hints_before_hypothesis:
        hints = plural(d.hints_before_hypothesis, "hint")
        mark += f"; after {hints}, {seconds(d.hypothesis_unaided_s)} unaided"
    elif s.blind:
        mark += "; without hints"
    return f"{seconds(d.hypothesis_s)} {mark}"


def _dashboards(s: DrillSummary, links: Mapping[str, str]) -> list[str]:
    if not links:
        return [
            "*Dashboards:* links unavailable (no Grafana URL or dashboard uid known for this run)"
        ]
    window = s.window
    span = f" ({clock(window[0])} to {clock(window[1])} UTC, ±5m)" if window else ""
    return [f"*Dashboards*{span}: " + " · ".join(link(url, title) for title, url in links.items())]


def _signals(s: DrillSummary) -> list[str]:
    return ["*Signals*", *(_signal_line(sig) for sig in s.signals)] if s.signals else []


def _signal_line(sig: SignalSummary) -> str:
    base = "no data during the baseline" if sig.no_data else with_unit(sig.baseline, sig.unit)
    line = f"• {escape(sig.name)}: baseline {escape(base)}"
    if sig.peak is not None:
        extreme = f"{sig.extreme_word} {escape(with_unit(sig.peak, sig.unit))}"
        line += f" → {extreme} at {clock(sig.peak_at)}"
    marks = [
        f"symptom {clock(sig.symptom_at)}" if sig.symptom_at else "",
        f"recovered {clock(sig.recovered_at)}" if sig.recovered_at else "",
    ]
    marks = [m for m in marks if m]
    return line + (f" ({', '.join(marks)})" if marks else "")


def _alerts(s: DrillSummary) -> list[str]:
    lines = ["*Alerts*"]
    for alert in s.alerts:
        if alert.fired_at is None:
            lines.append(
                f"• {escape(alert.name)}: pending at {clock(alert.pending_at)}, never fired"
            )
            continue
        resolved = (
            f"resolved {clock(alert.resolved_at)}"
            if alert.resolved_at
            else "still firing at the end"
        )
        resolved += " — silenced by the drill: nobody paged" if alert.silenced else ""
        after = f" ({seconds(alert.latency_s)} after the injection)" if alert.latency_s else ""
        if alert.before_injection:  # not the drill's doing: say so, or it reads as a finding
            after = " (already firing before the fault)"
        lines.append(f"• {escape(alert.name)} fired {clock(alert.fired_at)}{after}, {resolved}")
    return lines if len(lines) > 1 else ["*Alerts:* none fired"]


def _hypothesis(s: DrillSummary) -> list[str]:
    h = s.hypothesis
    if h is None:
        return ["*Hypothesis:* none stated"]
    verdict = "no verdict"
    if s.verdict:
        word = ":white_check_mark: matches" if s.verdict.matched else ":x: does not match"
        verdict = f"{word} the root cause (verdict by {escape(s.verdict.by)})"
    lines = [
        f"*Hypothesis* ({escape(h.by)}, {clock(h.at)}): {verdict}",
        f"> {escape(one_line(h.text))}",
    ]
    if s.root_cause and (not s.blind or s.reveal):
        lines.append(f"Expected root cause: {escape(s.root_cause)}")
    return lines


def _blind(s: DrillSummary) -> list[str]:
    if not s.blind:
        return []
    if s.reveal:
        name = escape(s.reveal.scenario)
        head = f"*Blind drill:* scenario hidden until {clock(s.reveal.at)}, revealed as *{name}*"
    else:
        head = "*Blind drill:* scenario not revealed yet"
    lines = [f"{head} (seed {s.seed}); hints: {len(s.hints)}"]
    lines += [
        f"• `{clock(h.at)}` {escape(h.by or '?')}: {escape(one_line(h.text))}" for h in s.hints
    ]
    return lines


def _timeline(s: DrillSummary) -> list[str]:
    return ["*Timeline (UTC)*", *(f"`{clock(e.at)}` {escape(e.text)}" for e in s.timeline)]


def _evidence(s: DrillSummary) -> list[str]:
    if not s.evidence:
        return []
    lines = ["*Evidence*"]
    for ev in s.evidence:
        source = f", {escape(ev.source)}" if ev.source else ""
        summary = escape(truncate(one_line(ev.summary), EVIDENCE_SUMMARY_LIMIT))
        lines.append(f"• `{clock(ev.at)}` {escape(ev.kind)}{source}: {summary}")
        items = [
            truncate(item_text(item), EVIDENCE_ITEM_LIMIT) for item in ev.items[:EVIDENCE_ITEMS]
        ]
        lines += [f"    `{escape(item)}`" for item in items if item]
        if len(ev.items) > EVIDENCE_ITEMS:
            lines.append(f"    _… {len(ev.items) - EVIDENCE_ITEMS} more in report.json_")
    return lines
