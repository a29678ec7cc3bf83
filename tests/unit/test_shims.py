"""The old import paths of the modules moved in #15 still give the moved modules."""

import importlib

import pytest

MOVED = [
    ("drillctl.clock", "drillctl.core.clock"),
    ("drillctl.errors", "drillctl.core.errors"),
    ("drillctl.redact", "drillctl.core.redact"),
    ("drillctl.timeconv", "drillctl.core.timeconv"),
    ("drillctl.drill.journal", "drillctl.core.journal"),
    ("drillctl.drill.traffic", "drillctl.traffic.generator"),
    ("drillctl.drill.session", "drillctl.commands.run"),
    ("drillctl.drill.engine", "drillctl.engine.engine"),
    ("drillctl.drill.rollback", "drillctl.engine.rollback"),
    ("drillctl.drill.expectations", "drillctl.engine.expectations"),
    ("drillctl.drill.hypothesis", "drillctl.engine.hypothesis"),
    ("drillctl.drill.diagnosis", "drillctl.engine.diagnosis"),
    ("drillctl.drill.plan", "drillctl.engine.plan"),
    ("drillctl.drill.ports", "drillctl.engine.ports"),
    ("drillctl.drill.lock", "drillctl.engine.lock"),
    ("drillctl.drill.recover", "drillctl.engine.recover"),
    ("drillctl.drill.run_ids", "drillctl.engine.run_ids"),
    ("drillctl.drill.panel", "drillctl.operator.panel"),
    ("drillctl.drill.responder", "drillctl.operator.responder"),
    ("drillctl.drill.interactive", "drillctl.operator.interactive"),
    ("drillctl.drill.blind", "drillctl.operator.blind"),
    ("drillctl.drill.gm", "drillctl.operator.gm"),
    ("drillctl.drill.gm_channel", "drillctl.operator.gm_channel"),
    ("drillctl.drill.finish", "drillctl.commands.finish"),
    ("drillctl.drill.suite", "drillctl.commands.suite"),
    ("drillctl.drill.suite_report", "drillctl.commands.suite_report"),
    ("drillctl.drill.suite_settle", "drillctl.commands.suite_settle"),
    ("drillctl.drill.regression", "drillctl.commands.regression"),
    ("drillctl.scenario.durations", "drillctl.core.durations"),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_old_path_is_the_moved_module(old: str, new: str) -> None:
    assert importlib.import_module(old) is importlib.import_module(new)


def test_from_import_of_an_old_path_gives_the_same_objects() -> None:
    from drillctl.core.journal import Journal
    from drillctl.drill.journal import Journal as OldJournal

    assert OldJournal is Journal
