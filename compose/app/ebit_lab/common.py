"""What every lab service shares: settings from the environment, JSON logs, trace ids."""

from __future__ import annotations

import contextvars
import json
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass

QUEUE_NAME = "bet_settled_queue"
JOB_NAME = "bet_settled"
QUEUE_PREFIX = "bull"

# The trace id of the request or job being handled; every log line carries it.
TRACE_ID: contextvars.ContextVar[str] = contextvars.ContextVar("trace_id", default="")


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


@dataclass(frozen=True)
class Connections:
    redis_url: str
    postgres_dsn: str

    @classmethod
    def from_env(cls) -> Connections:
        redis_url = env_str("REDIS_URL", "redis://:cache@ebit-redis-cache:6379/0")
        dsn = env_str("DATABASE_URL", "postgresql://ebit:ebit@ebit-postgres:5432/ebit")
        return cls(redis_url=redis_url, postgres_dsn=dsn)


def new_trace_id() -> str:
    return secrets.token_hex(16)


def trace_id_from_traceparent(header: str | None) -> str | None:
    """The trace id of a W3C ``traceparent`` header (``00-<32 hex>-<16 hex>-<2 hex>``), if valid."""
    parts = (header or "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        return parts[1]
    return None


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            "trace_id": getattr(record, "trace_id", None) or TRACE_ID.get() or None,
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def setup_logging(service: str) -> logging.Logger:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(env_str("LOG_LEVEL", "INFO").upper())
    for noisy in ("uvicorn.access", "uvicorn.error", "engineio", "socketio", "httpx", "bullmq"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return logging.getLogger(service)


def log_event(logger: logging.Logger, level: int, msg: str, **fields: object) -> None:
    logger.log(level, msg, extra={"fields": fields})
