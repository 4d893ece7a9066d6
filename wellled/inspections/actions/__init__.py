"""Every write to inspections and action plans. Views, the API, the demo and tests call these.

Rules, each refused with a clear message:
- methodology, key question and statement ids must be known to the ratings engine;
  statement scores are whole numbers from 1 to 4;
- a plan is marked done only when it has evidence of completion;
- sign-off is by a holder of SIGN_OFF_ACTIONS over the inspection's scope who is not
  the owner, only once the plan is done and has evidence; a signed-off plan is closed;
- owners update their own plans; governance leads (MANAGE_INSPECTIONS) update any.

`acting_user=None` is the system (demo data, scheduled jobs) and skips the
permission checks (`wellled.inspections.access`), never the rules.

One module per use case: `inspections` (recording, ratings, findings), `plans`
(plans, milestones, progress, sign-off) and `evidence` (evidence of completion).
Their names are all here, so callers write `actions.add_finding(...)`.
"""

from wellled.inspections.actions.common import methodology_or_error
from wellled.inspections.actions.evidence import ALLOWED_LABEL, ALLOWED_TYPES, add_evidence
from wellled.inspections.actions.inspections import (
    SCOPE_KINDS,
    add_finding,
    change_finding,
    record_inspection,
    set_ratings,
)
from wellled.inspections.actions.plans import (
    add_milestone,
    change_plan,
    complete_milestone,
    create_action_plan,
    record_progress,
    reopen_plan,
    sign_off,
)

__all__ = [
    "ALLOWED_LABEL",
    "ALLOWED_TYPES",
    "SCOPE_KINDS",
    "add_evidence",
    "add_finding",
    "add_milestone",
    "change_finding",
    "change_plan",
    "complete_milestone",
    "create_action_plan",
    "methodology_or_error",
    "record_inspection",
    "record_progress",
    "reopen_plan",
    "set_ratings",
    "sign_off",
]
