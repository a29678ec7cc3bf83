"""The scenario's guardrails read from the journal, and the words of a run they ended.

``crossed`` checks the ``abort_if`` conditions against the latest sample of each signal and
journals the first one that holds as a ``guardrail`` event; ``abort_reason`` words the outcome of
a drill ended by a guardrail or by the responder's abort.
"""

from __future__ import annotations

from drillctl.core.events import Guardrail, Sample, of_type
from drillctl.engine.ports import LiveJournal
from drillctl.scenario.model import ScenarioBase


def crossed(scenario: ScenarioBase, journal: LiveJournal) -> bool:
    """True (and a ``guardrail`` event) when an ``abort_if`` condition holds now."""
    for cond in scenario.guardrails.abort_if:
        value = latest(journal, cond.signal)
        if value is None:
            continue
        if (cond.above is not None and value > cond.above) or (
            cond.below is not None and value < cond.below
        ):
            reason = f"{cond.signal} = {value:g} crossed the abort threshold"
            journal.append(Guardrail(name=f"abort_if:{cond.signal}", reason=reason))
            return True
    return False


def latest(journal: LiveJournal, signal: str) -> float | None:
    samples = [e for e in of_type(journal.events, Sample) if e.signal == signal]
    return samples[-1].value if samples else None


def abort_reason(journal: LiveJournal, by: str) -> str:
    if by == "abort":
        return "the responder aborted the drill; faults reverted"
    guard = next(reversed(of_type(journal.events, Guardrail)), None)
    return f"guardrail {guard.name}: {guard.reason}; faults reverted" if guard else "guardrail"
