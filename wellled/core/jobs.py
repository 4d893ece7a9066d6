"""Long-running work that runs outside the request and reports its progress.

A module registers a handler for a job kind:

    @jobs.handler("organisation.import_csv")
    def import_csv(job: Job, progress: Progress) -> Outcome: ...

and starts one with `wellled.core.actions.start_job(...)`. The user who started it
watches /jobs/<id>/, which refreshes itself (with or without JavaScript).

Import the module that registers a handler from the app's `AppConfig.ready()`, so
that a worker process knows the kind.

A handler runs inside one transaction: if it raises, everything it wrote is rolled
back and the job is marked failed with a message that reveals nothing. Progress it
reports from inside that transaction is still visible at once on PostgreSQL (it is
written through a second connection); on SQLite, whose single writer is the
handler's own transaction, it appears when the handler finishes. A handler that
only reads, or that commits in steps itself, registers with `atomic=False` and
must then leave nothing half-written when it fails.

A worker that dies mid-job (killed, out of memory, the machine restarted) stops
sending the job's heartbeat; within minutes `recover_stalled_jobs` notices. A
handler registered with `retry=True` declares itself idempotent (running it again
after a partial run does no harm) and is queued again, up to `MAX_ATTEMPTS` runs
in all; any other job is marked failed with a message that tells its starter
what happened. Only one worker can claim a queued job, so a message delivered
twice runs it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wellled.core import audit
from wellled.core.models import AuditEvent, Job

Progress = Callable[[int, str], None]


@dataclass
class Outcome:
    succeeded: bool
    message: str
    result: dict[str, object] = field(default_factory=dict)
    result_url: str = ""


Handler = Callable[[Job, Progress], Outcome]
_HANDLERS: dict[str, Handler] = {}
_NOT_ATOMIC: set[str] = set()
_RETRIED: set[str] = set()


def handler(kind: str, *, atomic: bool = True, retry: bool = False) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        for flagged, wanted in ((_NOT_ATOMIC, not atomic), (_RETRIED, retry)):
            if wanted:
                flagged.add(kind)
            else:
                flagged.discard(kind)
        return func

    return register


def get_handler(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"No job handler is registered for {kind!r}") from None


def is_atomic(kind: str) -> bool:
    return kind not in _NOT_ATOMIC


def is_retried(kind: str) -> bool:
    """Whether a job of this kind runs again after its worker died under it."""
    return kind in _RETRIED


# Enough to act on; a chain broken in thousands of places is reported by count.
MAX_LISTED_PROBLEMS = 200


# Read-only: one long transaction would hold SQLite's only write lock throughout.
# Reading again from the start does no harm, so a run cut short is retried.
@handler("core.verify_audit", atomic=False, retry=True)
def verify_audit_chain(job: Job, progress: Progress) -> Outcome:
    """Walk the audit trail's hash chain and list every break in it."""
    total = AuditEvent.objects.count()

    def checked(count: int) -> None:
        percent = min(99, count * 100 // total) if total else 99
        progress(percent, f"Checked {count:,} of {total:,} events")

    problems: list[dict[str, object]] = []
    found = 0
    for problem in audit.verify_chain(on_progress=checked):
        found += 1
        if found <= MAX_LISTED_PROBLEMS:
            problems.append({"row": f"#{problem.seq}", "message": str(problem)})
    head = audit.chain_head()
    head_hash = head.hash if head is not None else audit.GENESIS_HASH
    result: dict[str, object] = {
        "events": total,
        "head_hash": head_hash,
        "problems": found,
        "errors": problems,
        # The job page's heading for the first column of the problems table.
        "error_label": "Event",
    }
    if found:
        counted = "1 problem" if found == 1 else f"{found:,} problems"
        shown = "" if found <= MAX_LISTED_PROBLEMS else f", the first {MAX_LISTED_PROBLEMS} listed"
        # The check itself worked, so the job succeeded; its message carries the verdict.
        return Outcome(
            succeeded=True,
            message=f"The audit trail has been tampered with: {counted} found{shown}.",
            result=result,
        )
    return Outcome(
        succeeded=True,
        message=f"The audit trail is intact: {total:,} events checked. Head hash {head_hash}.",
        result=result,
    )
