"""Pages for complaints, one module per use case:

- `cases`: the caseload, recording a case, the case page and its steps (`steps`)
- `letters`: a case's letters and the trust's letter templates
- `details`: correcting a case's people, details and issues; its documents

The public form, with no login, is `complaints/public.py`; the measures and
exports pages are `complaints/measures_views.py`.
"""

# PAGE_SIZE is re-exported for bench/complaints.py, which reads it here; the caseload
# page reads `views.cases.PAGE_SIZE`, so that is the one to change.
from wellled.complaints.views.cases import (
    PAGE_SIZE,
    complaint_detail,
    complaint_list,
    complaint_new,
    complaint_step,
)
from wellled.complaints.views.details import (
    attachment_download,
    case_details_edit,
    complainant_edit,
    issue_edit,
    patient_edit,
)
from wellled.complaints.views.letters import (
    letter_download,
    letter_edit,
    letter_template_edit,
    letter_templates,
    letterhead_edit,
)

__all__ = [
    "PAGE_SIZE",
    "attachment_download",
    "case_details_edit",
    "complainant_edit",
    "complaint_detail",
    "complaint_list",
    "complaint_new",
    "complaint_step",
    "issue_edit",
    "letter_download",
    "letter_edit",
    "letter_template_edit",
    "letter_templates",
    "letterhead_edit",
    "patient_edit",
]
