"""The verdict on a hypothesis: its claim's fields compared with the expected root cause's.

``judge_claim`` compares the service and the kind of change (and, when the root cause names
signals, asks that the claim explains one of them). A root cause with keywords only (scenario
files written before the fields) is matched against the claim's sentence alone, never against
quoted evidence: a keyword hits when each of its words starts a word of the sentence, so
"throttl" hits "throttled", case-insensitively. A pure function of the claim and the cause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from drillctl.core.events import Claim

_WORD = re.compile(r"[a-z0-9]+")


def keyword_hits(text: str, keywords: Sequence[str]) -> list[str]:
    words = _WORD.findall(text.lower())
    hits = []
    for keyword in keywords:
        parts = _WORD.findall(keyword.lower())
        if parts and all(any(w.startswith(p) for w in words) for p in parts):
            hits.append(keyword)
    return hits


def judge_claim(
    claim: Claim | None, root_cause: Mapping[str, Any]
) -> tuple[bool, list[str], dict[str, Any]]:
    """``(matched, keywords hit, compared fields)`` of a claim against a root cause's fields."""
    if claim is None:
        return False, [], {}
    service, kind = root_cause.get("service"), root_cause.get("kind")
    if service is None and kind is None:
        keywords = [str(k) for k in root_cause.get("keywords") or []]
        hits = keyword_hits(claim.sentence, keywords)
        return len(hits) >= max(int(root_cause.get("min_keywords") or 1), 1), hits, {}
    compared = {
        "service": _field(service, claim.service),
        "kind": _field(kind, claim.kind.value if claim.kind else None),
    }
    expected_signals = set(root_cause.get("signals") or [])
    if expected_signals:
        explained = sorted(expected_signals & set(claim.signals))
        compared["signals"] = {
            "expected": sorted(expected_signals),
            "stated": claim.signals,
            "matched": bool(explained),
        }
    return all(c["matched"] for c in compared.values()), [], compared


def _field(expected: object, stated: object) -> dict[str, Any]:
    return {
        "expected": expected,
        "stated": stated,
        "matched": expected is None or expected == stated,
    }
