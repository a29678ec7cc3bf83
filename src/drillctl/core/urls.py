"""One check for every URL a user writes (escalation matrices, http signals, traffic, sources).

``urllib.parse`` raises on some malformed URLs (``http://[::1``) only when a part is read, and
accepts others (port 99999) until a request fails; this reads every part once, up front.
"""

from __future__ import annotations

from urllib.parse import urlsplit

HTTP = ("http", "https")
METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"}


def url_problem(text: str, schemes: tuple[str, ...] = HTTP) -> str | None:
    """Why ``text`` is not a usable URL with one of ``schemes``, or None."""
    if not text or any(c.isspace() for c in text):
        return "a URL has no spaces" if text else "the URL is empty"
    try:
        parts = urlsplit(text)
        port = parts.port  # raises for "99999" and "x"
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535"
        return str(exc)
    if parts.scheme not in schemes:
        return f"the scheme must be {' or '.join(schemes)}"
    if not parts.hostname:
        return "there is no host"
    if port == 0:
        return "port 0 is not a port"
    return None


def check_url(text: str, schemes: tuple[str, ...] = HTTP) -> str:
    """The URL itself, or ValueError naming what is wrong (for pydantic validators)."""
    problem = url_problem(text, schemes)
    if problem:
        raise ValueError(f"{text!r} is not a valid URL: {problem}")
    return text


def split_probe(query: str) -> tuple[str, str]:
    """An http probe's ``[METHOD] URL`` as (method, url)."""
    head, _, rest = query.strip().partition(" ")
    if head.upper() in METHODS and rest:
        return head.upper(), rest.strip()
    return "GET", query.strip()
