"""The id of the request (or job) being served, which audit events and log lines carry.

It lives apart from the middleware that sets it for a request, so that the audit
trail and the job runner can read and set it without importing the middleware
(which itself writes the operator-access audit through the core actions).
"""

from __future__ import annotations

import contextvars
import logging

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token[str]:
    """For work outside a request (jobs, commands) to label its audit events."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Puts the request id on every log record, so log lines join up with audit events."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
