"""The escalation matrix: a Markdown table, one row per severity tier, and its static checks.

Columns are recognised by their header (case-insensitive): Tier, Severity, Names (or Who),
Contacts, PagerDuty schedule, Slack channel, Bridge (video bridge URL). The rows must cover Tier 1,
Tier 2 and Tier 3 (the path to the vendor team). Every finding is ``FILE:LINE: message`` at the
row (or header) it is about. The live checks (bridge answers, someone on call, channel exists)
are in ``escalation_live``; they use the ``Tier`` rows parsed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drillctl.core import inputs
from drillctl.core.urls import url_problem
from drillctl.readiness import markdown
from drillctl.readiness.findings import Finding
from drillctl.readiness.template import PLACEHOLDER

# role -> words that name its column, tried in this order
COLUMNS: dict[str, tuple[str, ...]] = {
    "tier": ("tier",),
    "severity": ("severity", "sev"),
    "pagerduty": ("pagerduty", "schedule"),
    "slack": ("slack", "channel"),
    "bridge": ("bridge", "video"),
    "contacts": ("contact",),
    "names": ("name", "who", "people"),
}
LABELS = {
    "tier": "tier",
    "severity": "severity",
    "names": "names",
    "contacts": "contacts",
    "pagerduty": "PagerDuty schedule",
    "slack": "Slack channel",
    "bridge": "bridge URL",
}
REQUIRED_TIERS = (1, 2, 3)
EMPTY = re.compile("^[\\s\\-\u2013\u2014]*$")  # blank or only dashes
SCHEDULE_ID = re.compile(r"\b(P[A-Z0-9]{6})\b")
CHANNEL_ID = re.compile(r"\b([CG][A-Z0-9]{8,})\b")
CHANNEL_NAME = re.compile(r"(?<![\w#])#([a-z0-9][a-z0-9._-]{0,79})\b")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
PHONE = re.compile(r"^\+[0-9][0-9 ().-]*[0-9]$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Tier:
    """One row of the matrix, cells by role (missing columns are empty strings)."""

    line: int
    number: int | None
    cells: dict[str, str]

    @property
    def label(self) -> str:
        return (
            f"Tier {self.number}"
            if self.number is not None
            else f"row {self.cells.get('tier', '')!r}"
        )

    def schedule_id(self) -> str | None:
        match = SCHEDULE_ID.search(self.cells.get("pagerduty", ""))
        return match.group(1) if match else None

    def channel_id(self) -> str | None:
        match = CHANNEL_ID.search(self.cells.get("slack", ""))
        return match.group(1) if match else None

    def channel_name(self) -> str:
        match = CHANNEL_NAME.search(self.cells.get("slack", ""))
        return f"#{match.group(1)}" if match else self.channel_id() or self.cells.get("slack", "")

    def bridge_url(self) -> str:
        return _unlink(self.cells.get("bridge", ""))


@dataclass(frozen=True)
class Matrix:
    file: str
    header_line: int
    columns: dict[str, int]  # role -> column index
    tiers: list[Tier]

    def note(self, code: str, message: str) -> Finding:
        """A non-blocking finding about the whole matrix (at its header)."""
        return Finding(self.file, self.header_line, code, message, "note")


def parse(path: Path) -> tuple[Matrix | None, list[Finding]]:
    """The matrix table of a file, or a finding saying why there is none."""
    file = str(path)
    lines = markdown.scan(inputs.read_text(path))
    for table in markdown.tables(lines):
        columns = column_roles(table.columns)
        if "tier" in columns:
            return Matrix(
                file, table.line, columns, [_tier(row, columns) for row in table.rows]
            ), []
    message = "no escalation matrix: a table whose header has a 'Tier' column"
    return None, [Finding(file, 1, "no-matrix", message)]


def column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, name in enumerate(header):
        lowered = name.lower()
        for role, words in COLUMNS.items():
            if role not in roles and any(word in lowered for word in words):
                roles[role] = index
                break
    return roles


def _tier(row: markdown.Row, columns: dict[str, int]) -> Tier:
    cells = {role: (row.cells[i] if i < len(row.cells) else "") for role, i in columns.items()}
    number = re.search(r"\d+", cells.get("tier", ""))
    return Tier(row.line, int(number.group()) if number else None, cells)


def check_static(path: Path) -> tuple[Matrix | None, list[Finding]]:
    """Parse and report every blocker that needs no network."""
    matrix, findings = parse(path)
    if matrix is None:
        return None, findings
    findings += _structure(matrix)
    for tier in matrix.tiers:
        findings += _cells(matrix.file, tier)
    return matrix, findings


def _structure(matrix: Matrix) -> list[Finding]:
    def blocker(code: str, message: str) -> Finding:
        return Finding(matrix.file, matrix.header_line, code, message)

    found = [
        blocker("missing-column", f"no {LABELS[r]} column")
        for r in LABELS
        if r not in matrix.columns
    ]
    numbers = {t.number for t in matrix.tiers}
    for number in REQUIRED_TIERS:
        if number not in numbers:
            what = " (the path to the vendor team)" if number == 3 else ""
            found.append(blocker("missing-tier", f"no Tier {number} row{what}"))
    return found


def _cells(file: str, tier: Tier) -> list[Finding]:
    findings: list[Finding] = []
    for role, value in tier.cells.items():
        where = f"{tier.label}: {LABELS[role]}"
        if PLACEHOLDER in value:
            findings.append(Finding(file, tier.line, "placeholder", f"{where} is {PLACEHOLDER}"))
        elif EMPTY.match(value):
            findings.append(Finding(file, tier.line, "empty-cell", f"{where} is empty"))
        else:
            findings += [
                Finding(file, tier.line, code, f"{where}: {m}") for code, m in _format(role, value)
            ]
    return findings


def _format(role: str, value: str) -> list[tuple[str, str]]:
    if role == "contacts":
        return [
            ("bad-contact", problem)
            for item in split_contacts(value)
            if (problem := contact_problem(item))
        ]
    if role == "pagerduty" and not SCHEDULE_ID.search(value):
        return [("bad-schedule", f"no schedule id (like PI7DH85) in {value!r}")]
    if role == "slack" and not (CHANNEL_ID.search(value) or CHANNEL_NAME.search(value)):
        return [("bad-channel", f"{value!r} is not a channel (#name or an id like C0123ABCD)")]
    if role == "bridge" and (problem := url_problem(_unlink(value))):
        return [("bad-bridge", f"{value!r} is not an http(s) URL: {problem}")]
    return []


def split_contacts(value: str) -> list[str]:
    items = re.split(r"\s*(?:,|;|<br\s*/?>)\s*", value)
    return [_unlink(item).strip("` ") for item in items if item.strip()]


def contact_problem(item: str) -> str | None:
    """Why ``item`` is not a usable contact path (email, +phone, @handle, URL), or None."""
    bare = re.sub(r"^(mailto:|tel:)", "", item)
    if bare.startswith("@"):
        return None if HANDLE.match(bare) else f"{item!r} is not a valid @handle"
    if "@" in bare:
        return None if EMAIL.match(bare) else f"{item!r} is not a valid email address"
    if bare[:1].isdigit() or bare.startswith(("+", "(")):
        return _phone_problem(bare)
    if bare.startswith(("http://", "https://")):
        problem = url_problem(bare)
        return f"{item!r} is not a valid URL: {problem}" if problem else None
    return f"{item!r} is not a contact (email, +phone, @handle or URL)"


def _phone_problem(text: str) -> str | None:
    if not text.startswith("+"):
        return f"phone number {text!r} needs its country code (+44 …)"
    digits = re.sub(r"\D", "", text)
    if not PHONE.match(text) or not 8 <= len(digits) <= 15:
        return f"{text!r} is not a valid phone number"
    return None


def _unlink(text: str) -> str:
    """``[label](url)`` and ``<url>`` to the bare URL; anything else unchanged."""
    match = _LINK.search(text)
    if match:
        return match.group(2)
    return text.strip().removeprefix("<").removesuffix(">")
