"""Long-running work that runs outside the request and reports its progress.

A module registers a handler for a job kind:

    @jobs.handler("organisation.import_csv")
    def import_csv(job: Job, progress: Progress) -> Outcome: ...

and starts one with `wellled.core.actions.start_job(...)`. The user who started it
watches /jobs/<id>/, which refreshes itself (with or without JavaScript).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wellled.core.models import Job

Progress = Callable[[int, str], None]


@dataclass
class Outcome:
    succeeded: bool
    message: str
    result: dict[str, object] = field(default_factory=dict)
    result_url: str = ""


Handler = Callable[[Job, Progress], Outcome]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


def get_handler(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"No job handler is registered for {kind!r}") from None
