"""``runbook lint``: every runbook complete, every command form present, the index in step.

Rules (each finding is ``FILE:LINE: message`` with a stable ``code``):

no-title            the file has no ``# Title`` heading
missing-section     one of the five template sections is absent (reported where it belongs: at
                    the next template section present, else at the end of the file)
duplicate-section   a template section appears twice (reported at the second one)
empty-section       a section has a heading and no text
no-local-command    Diagnosis has no ``docker compose exec`` in a code block
no-deployed-command Diagnosis has no ``kubectl exec`` or ``aws ecs execute-command`` in a code block
no-rollback         Fix never says how to roll the fix back
placeholder         a ``{{TBD}}`` is left, in any case and spacing (``{{ tbd }}``,
                    ``{{TBD: owner}}``), code blocks included (one finding per line)
no-index            the folder has no README.md index, or it has no Runbook table
not-indexed         a runbook is not listed in the index
dangling-index-row  an index row points at a file that does not exist
duplicate-index-row two index rows point at the same file
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from drillctl.core import inputs
from drillctl.readiness import index, markdown
from drillctl.readiness.findings import Finding, ordered
from drillctl.readiness.runbooks import runbook_files
from drillctl.readiness.template import SECTIONS

LOCAL = re.compile(r"\bdocker[ -]compose\b.*\bexec\b")
DEPLOYED = re.compile(r"\bkubectl\b.*\bexec\b|\baws\s+ecs\s+execute-command\b")
ROLLBACK = re.compile(r"(?i)\broll\s*back|\brollback\b")
TBD = re.compile(r"(?i)\{\{\s*tbd\b[^}]*\}\}")


def lint_path(path: Path) -> list[Finding]:
    """A folder: every runbook in it and its index. A file: that runbook and its index entry."""
    if path.is_dir():
        files = runbook_files(path)
        findings = [f for file in files for f in lint_runbook(file)]
        return ordered(findings + lint_index(path, files))
    return ordered(lint_runbook(path) + lint_index(path.parent, [path], rows_too=False))


def lint_runbook(path: Path) -> list[Finding]:
    lines = markdown.scan(inputs.read_text(path))
    file = str(path)
    findings = [
        Finding(file, n, "placeholder", f"placeholder {text} left")
        for n, text in _placeholders(lines)
    ]
    if markdown.title(lines) is None:
        findings.append(Finding(file, 1, "no-title", "no '# Title' heading"))
    found, duplicates = _by_title(markdown.sections(lines))
    findings += [
        Finding(file, s.line, "duplicate-section", f"section '{s.title}' appears twice")
        for s in duplicates
    ]
    for name in SECTIONS:
        section = found.get(name.lower())
        if section is None:
            message = f"missing section '## {name}'"
            findings.append(
                Finding(file, _where_missing(name, found, lines), "missing-section", message)
            )
        elif section.is_empty():
            findings.append(
                Finding(file, section.line, "empty-section", f"section '{name}' is empty")
            )
        else:
            findings += _content_rules(file, name, section)
    return ordered(findings)


def _placeholders(lines: list[markdown.Line]) -> list[tuple[int, str]]:
    """(line, the placeholder as written) for each line that has one."""
    found = ((line.number, TBD.search(line.text)) for line in lines)
    return [(number, match.group(0)) for number, match in found if match]


def _by_title(
    sections: list[markdown.Section],
) -> tuple[dict[str, markdown.Section], list[markdown.Section]]:
    """The first section of each title, and every later one with the same title."""
    first: dict[str, markdown.Section] = {}
    again: list[markdown.Section] = []
    for section in sections:
        key = section.title.strip().lower()
        if key in first:
            again.append(section)
        else:
            first[key] = section
    return first, again


def _where_missing(
    name: str, found: dict[str, markdown.Section], lines: list[markdown.Line]
) -> int:
    """Where a missing section belongs: at the next template section present, else the end."""
    later = SECTIONS[SECTIONS.index(name) + 1 :]
    last = max((line.number for line in lines if line.text.strip()), default=1)
    return next((found[n.lower()].line for n in later if n.lower() in found), last)


def _content_rules(file: str, name: str, section: markdown.Section) -> list[Finding]:
    if name == "Diagnosis":
        code = [line.text for line in section.body if line.in_code]
        findings = []
        if not any(LOCAL.search(c) for c in code):
            message = "Diagnosis has no local command ('docker compose exec ...' in a code block)"
            findings.append(Finding(file, section.line, "no-local-command", message))
        if not any(DEPLOYED.search(c) for c in code):
            message = (
                "Diagnosis has no deployed command"
                " ('kubectl exec ...' or 'aws ecs execute-command ...' in a code block)"
            )
            findings.append(Finding(file, section.line, "no-deployed-command", message))
        return findings
    if name == "Fix" and not ROLLBACK.search(section.text()):
        return [Finding(file, section.line, "no-rollback", "Fix does not say how to roll back")]
    return []


def lint_index(folder: Path, files: list[Path], *, rows_too: bool = True) -> list[Finding]:
    """Every runbook in ``files`` has a row; with ``rows_too``, every row points at a file."""
    readme = folder / index.INDEX_NAME
    if not readme.is_file():
        return [Finding(str(readme), 1, "no-index", "runbook index not found")]
    table = index.find_table(markdown.scan(inputs.read_text(readme)))
    if table is None:
        return [
            Finding(
                str(readme),
                1,
                "no-index",
                "no index table (a table whose first column is 'Runbook')",
            )
        ]
    entries = [index.entry(row) for row in table.rows]
    listed = {(folder / e.file).resolve() for e in entries}
    findings = [
        Finding(str(f), 1, "not-indexed", f"not listed in {readme}")
        for f in files
        if f.resolve() not in listed
    ]
    return findings + (_row_rules(readme, folder, entries) if rows_too else [])


def _row_rules(readme: Path, folder: Path, entries: list[index.Entry]) -> list[Finding]:
    findings = [
        Finding(
            str(readme), e.line, "dangling-index-row", f"index row points at missing file {e.file}"
        )
        for e in entries
        if not (folder / e.file).is_file()
    ]
    counts = Counter(e.file for e in entries)
    seen: set[str] = set()
    for e in entries:
        if counts[e.file] > 1 and e.file in seen:
            findings.append(
                Finding(str(readme), e.line, "duplicate-index-row", f"{e.file} is listed twice")
            )
        seen.add(e.file)
    return findings
