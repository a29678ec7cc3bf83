"""The root command's verbs: each one's name, the module that registers it, and its summary.

The root imports a verb's module only when that verb runs or prints its own help (``lazy.py``);
``drillctl --help`` and a Tab that completes a verb's name read this table instead. The order is
the order ``--help`` lists them in: commands, then groups (as typer orders a group's children).
``tests/unit/cli/test_verbs.py`` checks every row against the command its module registers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verb:
    name: str
    module: str  # under drillctl.cli; it has register(app), which may add several verbs
    summary: str  # the first paragraph of the command's help, as the root's --help shows it


VERBS = (
    Verb(
        "list",
        "scenario_cmds",
        "List the built-in and custom scenarios (a custom one replaces the built-in of its name).",
    ),
    Verb(
        "show",
        "scenario_cmds",
        "Print the resolved scenario as YAML: variables filled in, ${env:...} secrets as written.",
    ),
    Verb(
        "validate",
        "scenario_cmds",
        "Check scenario files; print each problem as FILE:LINE:COL: field.path: message (exit 2).",
    ),
    Verb(
        "schema",
        "scenario_cmds",
        "Print the JSON Schema of scenario files (for editors: yaml-language-server, VS Code).",
    ),
    Verb("run", "run_cmd", "Run a chaos drill against the compose project."),
    Verb(
        "suite",
        "suite_cmd",
        "Run several drills one after another, unattended; one JUnit file, one JSON summary.",
    ),
    Verb(
        "recover",
        "recover_cmd",
        "Revert the faults of interrupted drills (found in the state dir's run journals).",
    ),
    Verb(
        "report",
        "report_cmd",
        "Print a run's report; the files in its run directory are rewritten from the journal.",
    ),
    Verb(
        "watch",
        "watch_cmd",
        "Watch a scenario's signals live, without injecting anything (Ctrl-C to stop).",
    ),
    Verb(
        "doctor",
        "doctor_cmd",
        "Check each configured source, the compose project and (with a scenario) its queries.",
    ),
    Verb(
        "gm",
        "gm_cmd",
        "Follow a drill as its game master: hidden scenario, signals, responder's keys; act on it.",
    ),
    Verb(
        "recurrence",
        "gate_cmd",
        "Has this happened before? Runbooks and past drill reports, apart, each ranked by "
        "relevance\n(BM25) with why it matched. Given --alert or --signal, only those that name "
        "one of them.",
    ),
    Verb(
        "init",
        "init_cmd",
        "Inspect a compose project; write drillctl.toml and a starter drill; run doctor.",
    ),
    Verb(
        "changes",
        "changes_cmd",
        "Diff each release of the API with the one before: endpoints added, deprecated, removed,\n"
        "request and response fields changed (with their path), and the migrations each shipped.\n"
        "Without --route/--since the review is recorded for the gate.",
    ),
    Verb(
        "history",
        "history_cmd",
        "Past runs (scenario, operator, result, durations) from the history index.",
    ),
    Verb("lab", "lab_cmd", "The reference ebit lab (compose/): build, start, stop, inspect."),
    Verb("runbook", "gate_cmd", "Runbooks: start one from the team template, lint them all."),
    Verb("escalation", "gate_cmd", "Escalation matrix: validate it, ping its channels."),
    Verb("gate", "gate_cmd", "The go/no-go checklist before joining the on-call rotation."),
    Verb("security", "security_cmd", "The security register, for the readiness gate."),
)
