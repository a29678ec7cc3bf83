"""How a measured value is written, once for every output: the live panel, the progress lines,
the Slack timeline, Markdown and the summaries (a figure must read the same in all of them)."""

from __future__ import annotations


def number(value: float | None, missing: str = "n/a") -> str:
    """Integers without a decimal point, values of 100 or more rounded to a whole number, others
    with 3 significant digits; ``missing`` when there is no value."""
    if value is None:
        return missing
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"
