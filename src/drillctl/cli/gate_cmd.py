"""The rest of the on-call readiness gate: ``runbook new|lint``, ``recurrence``,
``escalation check`` and ``gate init|status|check|sign``. Parsing and printing only; the work is
in ``drillctl.readiness``."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from drillctl.core.envelope import envelope
from drillctl.core.errors import DrillError
from drillctl.readiness import findings as fmt
from drillctl.readiness import gate as gates
from drillctl.readiness import render
from drillctl.readiness.findings import Finding, blockers

# lint, recurrence search, runbook templates and the scenario stack are imported by the verb that
# uses them: `drillctl --help` and the other verbs start without them

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.readiness.recurrence_match import Match


class Format(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    runbook = typer.Typer(
        help="Runbooks: start one from the team template, lint them all.", no_args_is_help=True
    )
    runbook.command("new")(runbook_new)
    runbook.command("lint")(runbook_lint)
    app.add_typer(runbook, name="runbook")
    app.command("recurrence")(recurrence)
    escalation = typer.Typer(
        help="Escalation matrix: validate it, ping its channels.", no_args_is_help=True
    )
    escalation.command("check")(escalation_check)
    app.add_typer(escalation, name="escalation")
    gate = typer.Typer(
        help="The go/no-go checklist before joining the on-call rotation.", no_args_is_help=True
    )
    for name, command in (
        ("init", gate_init),
        ("status", gate_show),
        ("check", gate_check),
        ("sign", gate_sign),
    ):
        gate.command(name)(command)
    app.add_typer(gate, name="gate")


def _ctx(ctx: typer.Context) -> Context:
    from drillctl.context import Context

    return ctx.obj if isinstance(ctx.obj, Context) else ctx.find_root().obj


def _runbooks_dir(context: Context, given: Path | None) -> Path:
    return given or context.settings.drill.runbooks_dir or Path("runbooks")


def _shown(path: Path | str) -> str:
    """A path relative to the current directory when it is inside it (shorter FILE:LINE lines)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _print_findings(found: list[Finding], output: Format, **extra: object) -> None:
    shown = [Finding(_shown(f.file), f.line, f.code, f.message, f.level) for f in found]
    if output is Format.json:
        typer.echo(fmt.to_json(shown, "runbook-lint", **extra))
        return
    for finding in shown:
        typer.echo(str(finding))


def runbook_new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="file name without .md, e.g. redis-oom")],
    from_scenario: Annotated[
        str | None, typer.Option("--from-scenario", help="scenario name or file to pre-fill from")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite without asking")] = False,
    runbooks_dir: Annotated[
        Path | None, typer.Option("--runbooks-dir", help="default: drill.runbooks_dir")
    ] = None,
) -> None:
    """Write runbooks/NAME.md from the team template and add it to the index."""
    context = _ctx(ctx)
    folder = _runbooks_dir(context, runbooks_dir)
    from drillctl.readiness.runbooks import new_runbook
    from drillctl.readiness.scenarios import load_scenario

    scenario = load_scenario(from_scenario, context.settings) if from_scenario else None
    target = folder / f"{name}.md"
    if (
        target.exists()
        and not force
        and not typer.confirm(f"{_shown(target)} exists. Overwrite?", default=False)
    ):
        raise typer.Exit(1)
    made = new_runbook(folder, name, scenario=scenario, overwrite=True)
    verb = "replaced" if made.replaced else "wrote"
    typer.echo(f"{verb} {_shown(made.path)}; indexed in {_shown(made.index)}")
    typer.echo(f"next: replace every {{{{TBD}}}}, then `drillctl runbook lint {_shown(made.path)}`")


def runbook_lint(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="a runbook or a folder (default: drill.runbooks_dir)")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Check every section, both command forms, no {{TBD}}, and the index. Exit 1 on findings."""
    target = path or _runbooks_dir(_ctx(ctx), None)
    if not target.exists():
        raise typer.BadParameter(f"{target} does not exist", param_hint="PATH")
    from drillctl.readiness.lint import lint_path

    found = lint_path(target)
    _print_findings(found, output)
    if found:
        raise typer.Exit(1)


def recurrence(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="what you see: a symptom, an alert, a log line")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many of each kind")] = 5,
    runbooks_dir: Annotated[
        Path | None, typer.Option("--runbooks-dir", help="default: drill.runbooks_dir")
    ] = None,
    alert: Annotated[list[str] | None, typer.Option("--alert", help="an alert that fired")] = None,
    signal: Annotated[
        list[str] | None, typer.Option("--signal", help="a signal (metric) that moved")
    ] = None,
    service: Annotated[
        list[str] | None, typer.Option("--service", help="a service involved (explains only)")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Has this happened before? Runbooks and past drill reports, apart, each ranked by relevance
    (BM25) with why it matched. Given --alert or --signal, only those that name one of them."""
    context = _ctx(ctx)
    folder = _runbooks_dir(context, runbooks_dir)
    _require_folder(folder, "--runbooks-dir" if runbooks_dir else "drill.runbooks_dir", context)
    marks = ("**", "**") if output is Format.json else ("\x02", "\x03")
    from drillctl.readiness.recurrence import recall
    from drillctl.readiness.recurrence_match import Anchor

    given = {"alert": alert, "signal": signal, "service": service}
    anchors = tuple(Anchor(k, n) for k, names in given.items() for n in names or [])  # type: ignore[arg-type]
    found = recall(
        text,
        folder,
        context.history_db,
        limit,
        anchors=anchors,
        runs_dir=context.runs_dir,
        marks=marks,
    )
    if output is Format.json:
        body = envelope("recurrence", 1, query=text, **found.as_data())
        typer.echo(json.dumps(body, indent=2))
        return
    if not found.all():
        typer.echo("no runbook or past drill matches")
        return
    _print_matches(context, "runbooks", found.runbooks)
    _print_matches(context, "past runs", found.runs)


def _print_matches(context: Context, heading: str, matches: list[Match]) -> None:
    context.console.print(f"[bold underline]{heading}[/]", highlight=False)
    if not matches:
        context.console.print(f"   no {heading[:-1]} matches", highlight=False)
    for match in matches:
        where = _shown(match.path_or_run) if match.kind == "runbook" else match.path_or_run
        context.console.print(
            f"{match.rank}. [bold]{escape(match.title)}[/]  score {match.score:.2f}",
            highlight=False,
        )
        context.console.print(f"   {match.kind} {escape(where)}", highlight=False, soft_wrap=True)
        reasons = "; ".join(match.why) or "its words"
        context.console.print(f"   why: {escape(reasons)}", highlight=False, soft_wrap=True)
        passage = escape(match.snippet).replace("\x02", "[bold yellow]").replace("\x03", "[/]")
        context.console.print(f"   {passage}", highlight=False, soft_wrap=True)


def _require_folder(folder: Path, name: str, context: Context) -> None:
    """A folder the user named (flag or drillctl.toml) must exist: "no match" would be a lie."""
    named = name == "--runbooks-dir" or context.settings.drill.runbooks_dir is not None
    if named and not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DrillError(f"{name} {folder} {what}")


def _shown_finding(finding: Finding) -> str:
    return str(
        Finding(_shown(finding.file), finding.line, finding.code, finding.message, finding.level)
    )


def escalation_check(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="the escalation matrix (Markdown)", exists=True, dir_okay=False)
    ],
    ping: Annotated[
        bool, typer.Option("--ping", help="send a test message per channel, wait for an ack")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="static checks only, no network")
    ] = False,
    ack_timeout: Annotated[
        str, typer.Option("--ack-timeout", help="how long --ping waits, e.g. 5m")
    ] = "5m",
    output: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Report every blocker in an escalation matrix: go/no-go. Exit 1 on blockers."""
    context = _ctx(ctx)
    from drillctl.core.durations import parse_duration

    try:
        timeout = parse_duration(ack_timeout).total_seconds()
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--ack-timeout") from exc
    from drillctl.readiness.actions import escalation  # httpx: loaded where it is used

    result = escalation(
        context, file, env=os.environ, offline=offline, ping=ping, ack_timeout=timeout
    )
    if output is Format.json:
        typer.echo(context.redactor.redact(render.escalation_json(result)))
    else:
        for finding in result.findings:
            typer.echo(context.redactor.redact(_shown_finding(finding)))
        typer.echo(render.verdict(len(blockers(result.findings))))
    if not result.clean:
        raise typer.Exit(1)


GateFile = Annotated[Path, typer.Option("--file", help="the gate checklist (YAML)")]
DEFAULT_GATE = Path(gates.GATE_FILE)


def gate_init(
    engineer: Annotated[str, typer.Option("--engineer", help="who is joining the rotation")],
    file: GateFile = DEFAULT_GATE,
    force: Annotated[bool, typer.Option("--force", help="replace an existing checklist")] = False,
) -> None:
    """Start the go/no-go checklist for an engineer."""
    if file.exists() and not force:
        raise DrillError(f"{file} exists", hint="pass --force to start over")
    gates.save(file, gates.Gate(engineer=engineer))
    typer.echo(f"wrote {_shown(file)}: {len(gates.ITEMS)} items to check, then two sign-offs")


def gate_show(
    ctx: typer.Context,
    file: GateFile = DEFAULT_GATE,
    output: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """Verify every item's evidence now and show what blocks. Exit 1 if anything does."""
    from drillctl.commands.gate import gate_status

    found = gate_status(context=_ctx(ctx), file=file)
    if output is Format.json:
        from drillctl.commands.envelope import dumps

        typer.echo(dumps(found), nl=False)
    else:
        for line in render.gate_lines(found.gate, found.status, _shown(file)):
            typer.echo(line)
    if found.blocking():
        raise typer.Exit(1)


def gate_check(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help=f"one of: {', '.join(gates.ITEMS)}")],
    file: GateFile = DEFAULT_GATE,
    run: Annotated[str | None, typer.Option("--run", help="drill: the run id")] = None,
    runbook: Annotated[
        Path | None, typer.Option("--runbook", help="runbook: the new runbook")
    ] = None,
    matrix: Annotated[
        Path | None, typer.Option("--matrix", help="escalation-matrix: its file")
    ] = None,
    ping: Annotated[
        bool, typer.Option("--ping", help="escalation-matrix: also ping every channel")
    ] = False,
    reviewed: Annotated[
        Path | None,
        typer.Option(
            "--register",
            "--reference",
            help="security-register: the register; api-changelog: the API reference folder "
            "(default: the last recorded review's)",
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="observations, findings, the answer")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="who checks it (default: the engineer)")
    ] = None,
) -> None:
    """Tick one item after verifying its evidence. Exit 1 (nothing recorded) if it does not hold."""
    context = _ctx(ctx)
    if item not in gates.ITEMS:
        raise typer.BadParameter(
            f"unknown item {item!r}; one of: {', '.join(gates.ITEMS)}", param_hint="ITEM"
        )
    spec, gate = gates.ITEMS[item], gates.load(file)
    if spec.note and not (note or "").strip():
        raise typer.BadParameter(f"{item} needs --note ({spec.note})", param_hint="--note")
    from drillctl.readiness.actions import evidence_for

    evidence, problems = evidence_for(
        context,
        spec.evidence,
        file.resolve().parent,
        env=os.environ,
        run=run,
        runbook=runbook,
        matrix=matrix,
        ping=ping,
        reviewed=reviewed,
    )
    if problems:
        for problem in problems:
            typer.echo(f"{item}: {problem}")
        typer.echo(f"{item} not checked")
        raise typer.Exit(1)
    done = gates.Item(
        done=True, at=context.clock.now(), by=by or gate.engineer, note=note, evidence=evidence
    )
    gates.save(file, gates.with_item(gate, item, done))
    typer.echo(f"{item}: checked ({spec.title})")


def gate_sign(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="who signs")],
    role: Annotated[str, typer.Option("--role", help="engineer or on-call")],
    go: Annotated[bool, typer.Option("--go/--no-go", help="the decision")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="why (required for --no-go)")
    ] = None,
    file: GateFile = DEFAULT_GATE,
) -> None:
    """Sign the go/no-go. A go needs every item verified; a no-go resets the shift items."""
    context = _ctx(ctx)
    if role not in ("engineer", "on-call"):
        raise typer.BadParameter("engineer or on-call", param_hint="--role")
    if not go and not (reason or "").strip():
        raise typer.BadParameter("a no-go needs --reason", param_hint="--reason")
    from drillctl.readiness.gate_evidence import status as gate_status

    gate = gates.load(file)
    pending = [
        b
        for b in gate_status(gate, file.resolve().parent, context.runs_dir).blocking()
        if not b.startswith("sign-off:")
    ]
    if go and pending:
        for line in pending:
            typer.echo(f"blocks: {line}")
        typer.echo("not signed: a go needs every item verified")
        raise typer.Exit(1)
    decision = "go" if go else "no-go"
    signature = gates.Signature.model_validate(
        {
            "name": name,
            "role": role,
            "decision": decision,
            "reason": reason,
            "at": context.clock.now(),
        }
    )
    gates.save(file, gates.signed(gate, signature))
    typer.echo(f"signed {decision} by {name} ({role})" + ("" if go else "; shift items reset"))
