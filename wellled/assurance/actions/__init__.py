"""Every write to CQC assurance. Views, the API, the demo and tests all call these.

`acting_user=None` is the system (demo data, scheduled jobs); everyone else is
checked in `wellled.assurance.access`. Each action validates its input, raises a
ValidationError keyed by field with a message a user can act on, and writes one
audit event whose before/after hold ids, scores and dates only.

One module per use case: `rounds` (open, owners, limiters, close), `scoring`,
`judged` (frameworks with no scores: fit per question, judgement per key question),
`evidence` (the library and its files) and `packs`. Their names are all here, so
callers write `actions.open_round(...)`.
"""

from wellled.assurance.access import may_change_evidence, may_score
from wellled.assurance.actions.evidence import (
    ALLOWED_LABEL,
    BINARY_TYPES,
    TEXT_TYPES,
    UPLOAD_POLICY,
    add_evidence,
    change_evidence,
    check_upload,
    retire_evidence,
    review_evidence,
)
from wellled.assurance.actions.judged import assess_question, judge_key_question
from wellled.assurance.actions.packs import PACK_JOB_KIND, start_inspection_pack
from wellled.assurance.actions.rounds import (
    ENFORCEMENT_LIMITERS,
    ROUND_SCOPES,
    assign_owner,
    close_round,
    open_round,
    set_limiters,
)
from wellled.assurance.actions.scoring import checked_score, score_from_categories, score_statement

__all__ = [
    "ALLOWED_LABEL",
    "BINARY_TYPES",
    "ENFORCEMENT_LIMITERS",
    "PACK_JOB_KIND",
    "ROUND_SCOPES",
    "TEXT_TYPES",
    "UPLOAD_POLICY",
    "add_evidence",
    "assess_question",
    "assign_owner",
    "change_evidence",
    "check_upload",
    "checked_score",
    "close_round",
    "judge_key_question",
    "may_change_evidence",
    "may_score",
    "open_round",
    "retire_evidence",
    "review_evidence",
    "score_from_categories",
    "score_statement",
    "set_limiters",
    "start_inspection_pack",
]
