"""Strategies shared by the property tests: random JSON, and corruptions of a documented answer."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["NaN", "+Inf", "-Inf", "1e309", "", "0001-01-01T00:00:00Z", "1714557600"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def corrupted(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """``value`` with some nodes replaced by random JSON, some keys dropped, some lists emptied."""
    if draw(st.integers(0, 5)) == 0:
        return draw(JSON)
    if isinstance(value, dict):
        keys = [k for k in value if draw(st.integers(0, 6)) != 0]
        return {k: draw(corrupted(value[k], depth + 1)) for k in keys}
    if isinstance(value, list):
        return [draw(corrupted(item, depth + 1)) for item in value]
    return value


@st.composite
def bodies(draw: st.DrawFn, documented: st.SearchStrategy[Any]) -> str:
    """An answer body: documented, corrupted, truncated, or not JSON at all."""
    value = draw(documented)
    kind = draw(
        st.sampled_from(["as-is", "corrupted", "corrupted", "truncated", "garbage", "html"])
    )
    if kind == "as-is":
        return json.dumps(value)
    if kind == "corrupted":
        return json.dumps(draw(corrupted(value)))
    text = json.dumps(value)
    if kind == "truncated":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    if kind == "html":
        return "<html><body><h1>502 Bad Gateway</h1></body></html>"
    return draw(st.text(max_size=60))
