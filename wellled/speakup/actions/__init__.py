"""Every write to speak-up cases. Views, the API, the demo and tests call these.

Guardian actions take the guardian's unlocked private key (`private_key`), because
every change that touches content needs the case key, and the server cannot get
the case key without it. Reporter actions take a `ReporterSession`, which holds
the case key opened with the receipt code.

Audit events hold no content. What a reporter does (submitting a concern, open,
confidential or anonymous; a message, an answer, revealing who they are) is not
written to the audit trail when it happens: it is counted in a tally for the day
(`ReporterTally`: no time, no case), and `write_reporter_tallies` writes one event
per day and kind after the day is over. So neither the trail's exact times nor its
order can be joined to a case, a session or a proxy's log.

The actions are grouped by use case, one module each:

- `concerns`: raising a concern (anonymous, staff, recorded by a guardian);
- `reporter`: the reporter's channel with their receipt code, and the daily tallies;
- `keys`: guardians' own keys and the wraps of case keys;
- `casework`: a guardian's work on a case;
- `outcomes`: escalation, detriment, closing and feedback;
- `retention`: destroying a case's key at the end of its retention;
- `files` and `common`: what the others share.

Every public name is importable from `wellled.speakup.actions`.
"""

from __future__ import annotations

from wellled.core import audit
from wellled.speakup import crypto
from wellled.speakup.access import is_guardian
from wellled.speakup.actions.casework import (
    CaseDetails,
    GuardianContext,
    add_action,
    add_theme,
    assign_guardian,
    complete_action,
    open_case,
    post_guardian_message,
    record_caseload_viewed,
    set_status,
    triage,
)
from wellled.speakup.actions.common import (
    DEFAULT_RETENTION_DAYS,
    DETRIMENT_FOLLOW_UP_DAYS,
    FEEDBACK_QUESTION,
    MESSAGE_MAX,
    MIN_PASSPHRASE,
    NARRATIVE_MAX,
    SUMMARY_LENGTH,
    action_day,
    as_of,
    lock_case,
    message_errors,
    next_seq,
    notify_reporter,
    raise_errors,
    snapshot,
    tally_today,
)
from wellled.speakup.actions.concerns import (
    NewConcern,
    Submitted,
    raise_concern,
    record_on_behalf,
    submit_anonymous_concern,
)
from wellled.speakup.actions.files import (
    check_files,
    store_files,
)
from wellled.speakup.actions.keys import (
    case_key_for_guardian,
    change_guardian_passphrase,
    guardian_keys,
    reset_guardian_key,
    set_up_guardian_key,
    unlock_guardian_key,
    wrap_for,
    wrap_recovery,
)
from wellled.speakup.actions.outcomes import (
    close_case,
    escalate,
    record_detriment,
    record_feedback,
)
from wellled.speakup.actions.reporter import (
    CodeNotRecognised,
    ReporterSession,
    answer_feedback,
    open_with_code,
    post_reporter_message,
    reveal_identity,
    write_reporter_tallies,
)
from wellled.speakup.actions.retention import (
    retention_days,
    shred_case,
    shred_expired,
)
from wellled.speakup.content import read_reporter

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "DETRIMENT_FOLLOW_UP_DAYS",
    "FEEDBACK_QUESTION",
    "MESSAGE_MAX",
    "MIN_PASSPHRASE",
    "NARRATIVE_MAX",
    "SUMMARY_LENGTH",
    "CaseDetails",
    "CodeNotRecognised",
    "GuardianContext",
    "NewConcern",
    "ReporterSession",
    "Submitted",
    "action_day",
    "add_action",
    "add_theme",
    "answer_feedback",
    "as_of",
    "assign_guardian",
    "audit",
    "case_key_for_guardian",
    "change_guardian_passphrase",
    "check_files",
    "close_case",
    "complete_action",
    "crypto",
    "escalate",
    "guardian_keys",
    "is_guardian",
    "lock_case",
    "message_errors",
    "next_seq",
    "notify_reporter",
    "open_case",
    "open_with_code",
    "post_guardian_message",
    "post_reporter_message",
    "raise_concern",
    "raise_errors",
    "read_reporter",
    "record_caseload_viewed",
    "record_detriment",
    "record_feedback",
    "record_on_behalf",
    "reset_guardian_key",
    "retention_days",
    "reveal_identity",
    "set_status",
    "set_up_guardian_key",
    "shred_case",
    "shred_expired",
    "snapshot",
    "store_files",
    "submit_anonymous_concern",
    "tally_today",
    "triage",
    "unlock_guardian_key",
    "wrap_for",
    "wrap_recovery",
    "write_reporter_tallies",
]
