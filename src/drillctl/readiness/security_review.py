"""``drillctl security review``: does every finding still point at real code, and what to raise.

Each finding's source link (``path:LINE``, ``path#L42``, or a GitHub ``.../blob/<ref>/path#L42``
URL) must name an existing file and line inside the repository; a line past the end of the file
means the code moved (a blocker), a blank line probably means it moved too (a note). A body link
(relative to the register's folder) must name an existing file. Pending findings with a clean fix
path are the ones to raise with the team lead, grouped by on-call category, highest score first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drillctl.readiness.escalation_live import file_sha256
from drillctl.readiness.findings import Finding, Level
from drillctl.readiness.security_register import (
    ONCALL_CATEGORIES,
    Register,
    SecurityFinding,
    load_register,
)

OTHER = "Other"
_GITHUB = re.compile(r"^https?://[^/]+/[^/]+/[^/]+/(?:blob|tree)/[^/]+/")
_LOCATION = re.compile(
    r"^(?P<path>.+?)(?:#L(?P<hash>\d+)(?:-L?\d+)?|:(?P<colon>\d+)(?:[-:]\d+)?)?$"
)


@dataclass(frozen=True)
class SecurityReview:
    register: Register
    sha256: str
    problems: list[Finding]  # broken source links, missing bodies, lines that moved

    @property
    def raised(self) -> list[SecurityFinding]:
        """Pending findings with a clean fix path: to raise with the team lead."""
        found = [f for f in self.register.findings if f.pending and f.clean_fix]
        return sorted(found, key=lambda f: (-f.score, f.id))

    def by_category(self) -> dict[str, list[SecurityFinding]]:
        groups: dict[str, list[SecurityFinding]] = {}
        for finding in self.raised:
            groups.setdefault(finding.oncall_category or OTHER, []).append(finding)
        order = [*ONCALL_CATEGORIES, OTHER]
        return dict(sorted(groups.items(), key=lambda kv: order.index(kv[0])))


def review(register_path: Path, repo: Path) -> SecurityReview:
    register = load_register(register_path)
    problems: list[Finding] = []
    for finding in register.findings:
        problems += _source_problems(finding, register_path, repo)
        problems += _body_problems(finding, register_path)
    return SecurityReview(register, file_sha256(register_path), problems)


def split_location(link: str) -> tuple[str, int | None]:
    """``src/a.ts:42``, ``src/a.ts#L42-L50`` or a GitHub blob URL -> (path, line)."""
    match = _LOCATION.match(_GITHUB.sub("", link.strip()))
    assert match is not None  # the pattern accepts any non-empty text
    line = match.group("hash") or match.group("colon")
    return match.group("path"), int(line) if line else None


def _source_problems(finding: SecurityFinding, register: Path, repo: Path) -> list[Finding]:
    path, line = split_location(finding.source)
    where = repo / path.lstrip("/")

    def found(code: str, message: str, level: Level = "blocker") -> list[Finding]:
        return [Finding(str(register), finding.line, code, f"{finding.id}: {message}", level)]

    if not _inside(where, repo) or not where.is_file():
        return found("source-missing", f"source {path} does not exist in {repo}")
    if line is None:
        return found("source-no-line", f"source {path} names no line")
    lines = where.read_text(encoding="utf-8", errors="replace").splitlines()
    if line > len(lines) or line < 1:
        return found("source-moved", f"{path}:{line} is past the end ({len(lines)} lines)")
    if not lines[line - 1].strip():
        return found("source-blank", f"{path}:{line} is a blank line: moved?", "note")
    return []


def _body_problems(finding: SecurityFinding, register: Path) -> list[Finding]:
    if finding.body is None:
        return []
    body = register.parent / finding.body.split("#", 1)[0]
    if body.is_file():
        return []
    message = f"{finding.id}: body {finding.body} does not exist"
    return [Finding(str(register), finding.line, "body-missing", message)]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
