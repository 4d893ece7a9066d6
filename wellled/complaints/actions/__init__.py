"""Every write to complaints. Views, the API, commands and tests all call these.

Each action checks the acting user's capability over the case's service
(`acting_user=None` is the system: demo data, migrations, scheduled jobs),
checks the step against the workflow table, validates its dates against the
clocks, and writes one audit event whose before/after hold no personal data.

The actions live in one module per use case; this package names them all, so
`from wellled.complaints import actions; actions.close(...)` works for every one:

- `intake`, `case_details`: recording a case, correcting its details
- `people`: the complainant, their consent, the patient, the handler
- `issues`: issues, their coding, outcomes and learning
- `response_dates`: agreeing, setting and extending the response date
- `steps`: the workflow steps from acknowledgement to closure
- `letters`, `late_responses`: letters, and the letters a missed date needs
- `ombudsman`: referrals to the Ombudsman and their recommendations
- `pals`: a PALS concern escalated to a complaint
- `time_limit`: the 12-month time limit and its waiver (regulation 12)
- `attachments`, `public_form`: documents, and the online form
- `cqc`: CQC's requests for a summary of complaints (2014 Regulations, reg 16(3))
- `notes`: investigation notes and the contact log
- `casework`: who handles new cases by service, and saved caseload filters
"""

from wellled.complaints.actions._common import SUMMARY_MAX_LENGTH, UNSET, snapshot
from wellled.complaints.actions.attachments import (
    HELD_EXPIRED,
    add_attachment,
    discard_held_documents,
    hold_public_documents,
    prune_held_uploads,
)
from wellled.complaints.actions.case_details import update_case_details
from wellled.complaints.actions.casework import (
    delete_caseload_filter,
    remove_assignment_rule,
    save_caseload_filter,
    set_assignment_rule,
)
from wellled.complaints.actions.cqc import record_cqc_request, record_cqc_summary_sent
from wellled.complaints.actions.intake import record_complaint
from wellled.complaints.actions.issues import (
    add_issue,
    record_issue_outcome,
    record_learning,
    update_issue,
)
from wellled.complaints.actions.late_responses import (
    open_late_response_tasks,
    record_late_letter_sent,
)
from wellled.complaints.actions.letters import (
    LETTERHEAD_FIELDS,
    draft_letter,
    edit_letter,
    mark_letter_sent,
    save_letter_template,
    save_letterhead,
)
from wellled.complaints.actions.notes import NOTE_MAX_LENGTH, add_case_note, record_contact
from wellled.complaints.actions.ombudsman import (
    add_phso_recommendation,
    complete_phso_recommendation,
    record_phso_decision,
    refer_to_phso,
)
from wellled.complaints.actions.pals import escalate_pals_concern
from wellled.complaints.actions.people import (
    ComplainantDetails,
    PatientDetails,
    assign_handler,
    update_complainant,
    update_consent,
    update_patient,
)
from wellled.complaints.actions.public_form import UploadedDocument, submit_public_complaint
from wellled.complaints.actions.response_dates import (
    agree_response_date,
    extend_response_date,
    set_response_date,
)
from wellled.complaints.actions.steps import (
    acknowledge,
    close,
    closure_problems,
    exclude,
    record_response,
    reopen,
    return_draft,
    sign_off,
    start_investigation,
    submit_draft,
    transfer,
)
from wellled.complaints.actions.time_limit import decide_time_limit

__all__ = [
    "HELD_EXPIRED",
    "LETTERHEAD_FIELDS",
    "NOTE_MAX_LENGTH",
    "SUMMARY_MAX_LENGTH",
    "UNSET",
    "ComplainantDetails",
    "PatientDetails",
    "UploadedDocument",
    "acknowledge",
    "add_attachment",
    "add_case_note",
    "add_issue",
    "add_phso_recommendation",
    "agree_response_date",
    "assign_handler",
    "close",
    "closure_problems",
    "complete_phso_recommendation",
    "decide_time_limit",
    "delete_caseload_filter",
    "discard_held_documents",
    "draft_letter",
    "edit_letter",
    "escalate_pals_concern",
    "exclude",
    "extend_response_date",
    "hold_public_documents",
    "mark_letter_sent",
    "open_late_response_tasks",
    "prune_held_uploads",
    "record_complaint",
    "record_contact",
    "record_cqc_request",
    "record_cqc_summary_sent",
    "record_issue_outcome",
    "record_late_letter_sent",
    "record_learning",
    "record_phso_decision",
    "record_response",
    "refer_to_phso",
    "remove_assignment_rule",
    "reopen",
    "return_draft",
    "save_caseload_filter",
    "save_letter_template",
    "save_letterhead",
    "set_assignment_rule",
    "set_response_date",
    "sign_off",
    "snapshot",
    "start_investigation",
    "submit_draft",
    "submit_public_complaint",
    "transfer",
    "update_case_details",
    "update_complainant",
    "update_consent",
    "update_issue",
    "update_patient",
]
