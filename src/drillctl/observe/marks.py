"""The journal's ``baseline``, ``onset``, ``symptom`` and ``recovered`` events: every field the
observer writes about its marks is written here, and ``symptom.detected_at`` is the detect mark
(the moment the evidence first supported the symptom) every report times detection with.

    baseline   signal, centre, spread (None: no data during the baseline), samples, missing,
               unit, primary, no_data (the words for a signal without a baseline, else None),
               not_watched (a secondary signal's meaningless rule: why it is not watched)
    onset      signal, value (None: no data), baseline, evidence (change-point | no data),
               change_at (where the change began), at (when the evidence sufficed)
    symptom    signal, value, baseline, rule, evidence (rule | change-point | no data),
               first_breach_at, confirmed_at, detected_at
    recovered  signal, value, baseline, first_normal_at, confirmed_at
    alert      name, state, source, active_at, labels, silenced (only when true)
"""

from __future__ import annotations

from typing import Any

from drillctl.core import events as ev
from drillctl.core.journal import Journal
from drillctl.observe.alerts import AlertTransition
from drillctl.observe.baseline import Baseline, no_data_words
from drillctl.observe.detect import Mark, describe_rule
from drillctl.scenario.model import Signal


def journal_baseline(
    journal: Journal, signal: Signal, baseline: Baseline, not_watched: str | None = None
) -> None:
    journal.append(
        ev.Baseline(
            signal=signal.name,
            centre=baseline.centre if baseline.measured else None,
            spread=baseline.spread if baseline.measured else None,
            samples=baseline.samples,
            missing=baseline.missing,
            unit=signal.unit,
            primary=signal.primary,
            no_data=None if baseline.measured else no_data_words(baseline),
            not_watched=not_watched,
        )
    )


def journal_mark(journal: Journal, signal: Signal, baseline: Baseline, mark: Mark) -> None:
    centre = baseline.centre if baseline.measured else None
    if mark.kind == "onset":
        journal.append(
            ev.Onset(
                signal=signal.name,
                value=mark.value,
                baseline=centre,
                evidence=mark.evidence,
                change_at=mark.first_at.isoformat(),
                at=mark.confirmed_at.isoformat(),
            )
        )
    elif mark.kind == "symptom":
        assert mark.detected_at is not None
        journal.append(
            ev.Symptom(
                signal=signal.name,
                value=mark.value,
                baseline=centre,
                rule=describe_rule(signal.symptom, baseline),
                evidence=mark.evidence,
                first_breach_at=mark.first_at.isoformat(),
                confirmed_at=mark.confirmed_at.isoformat(),
                detected_at=mark.detected_at.isoformat(),
            )
        )
    else:
        journal.append(
            ev.Recovered(
                signal=signal.name,
                value=mark.value,
                baseline=centre,
                first_normal_at=mark.first_at.isoformat(),
                confirmed_at=mark.confirmed_at.isoformat(),
            )
        )


def journal_alert(journal: Journal, change: AlertTransition, *, silenced: bool) -> None:
    alert = change.alert
    # absent unless silenced: the line stays as before for the reports' pinned fields
    flag: dict[str, Any] = {"silenced": True} if silenced else {}
    journal.append(
        ev.Alert(
            name=alert.name,
            state=ev.AlertState(change.state),
            source=alert.source,
            active_at=alert.active_at.isoformat() if alert.active_at else None,
            labels=alert.labels,
            **flag,
        )
    )
