"""Secrets never reach the journal, a report or the terminal.

A ``Redactor`` knows the secret values resolved for this run (``${env:NAME}`` values, tokens,
webhook URLs) and also recognises secrets by shape (a ``redis-cli -a PASSWORD`` argument, a Slack
webhook URL, ``password=...``). Every writer of user-visible text passes it through ``redact``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

MASK = "***"

# argv flags whose next element is a secret (redis-cli -a, mysql -p, curl -u user:pass, ...)
SECRET_FLAGS = frozenset({"-a", "--pass", "--password", "-p", "-u", "--user", "--token"})
# A secret's value stops at a quote, a bracket or a separator: masking must never eat the quote
# that closes it ("Bearer abc" -> "Bearer ***", with the quote kept).
_VALUE = r"[^\s\"'`<>,;&|)\]}]+"
_SHAPES = [
    re.compile(r"https://hooks\.slack\.com/[^\s\"'>|]+"),
    re.compile(rf"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key)=([\"']?)({_VALUE})"),
    re.compile(rf"(?i)(authorization:\s*(?:bearer|token|basic)\s+)({_VALUE})"),
    # userinfo of any URL (http://user:password@host, redis://:pass@host, postgres://u:p@h/db)
    re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://([^:/@\s\"'`]*):([^@\s/\"'`]+)@"),
    # a Slack webhook's secret path, as an error body may echo it without the host
    re.compile(r"/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"),
]


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        self._secrets.update(part for s in secrets if s for part in _parts(s) if len(part) >= 3)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        text = _SHAPES[0].sub("https://hooks.slack.com/" + MASK, text)
        text = _SHAPES[1].sub(lambda m: f"{m.group(1)}={m.group(2)}{MASK}", text)
        text = _SHAPES[2].sub(lambda m: f"{m.group(1)}{MASK}", text)
        text = _SHAPES[3].sub(lambda m: f"{m.group(1)}://{m.group(2)}:{MASK}@", text)
        return _SHAPES[4].sub("/services/" + MASK, text)

    def redact_argv(self, argv: Iterable[str]) -> list[str]:
        """Mask the value that follows a secret flag, and any known secret inside an argument."""
        out: list[str] = []
        hide_next = False
        for arg in argv:
            if hide_next:
                out.append(MASK)
                hide_next = False
                continue
            if arg in SECRET_FLAGS:
                hide_next = True
            flag, eq, _ = arg.partition("=")
            out.append(f"{flag}={MASK}" if eq and flag in SECRET_FLAGS else self.redact(arg))
        return out

    def redact_obj(self, value: Any) -> Any:
        """Redact every string inside a JSON-like value; argv-like lists get flag-aware masking."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {
                k: (MASK if _secret_key(k) and value[k] else self.redact_obj(v))
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            if value and all(isinstance(v, str) for v in value):
                return self.redact_argv(value)
            return [self.redact_obj(v) for v in value]
        return value


def _parts(secret: str) -> Iterator[str]:
    """The secret, and for a URL whose path carries the secret (a webhook) that path too: servers
    echo the path alone in their error bodies."""
    yield secret
    try:
        path = urlsplit(secret).path if "://" in secret else ""
    except ValueError:
        return
    if len(path) >= 12:
        yield path


def _secret_key(key: object) -> bool:
    return isinstance(key, str) and bool(re.search(r"(?i)(password|secret|token|webhook)", key))
