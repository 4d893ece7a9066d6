"""Who may open the complaints measures and exports URLs (merged by the complaints matrix)."""

from __future__ import annotations

import datetime
from typing import Any

from tests.url_access_groups import COMPLAINTS_STAFF, Access, Samples
from wellled.core.testing import Trust

# VIEW_COMPLAINT_MEASURES: aggregates for the board, governance, auditors, complaints
# staff and service leads (their own services); operators hold it too.
MEASURE_VIEWERS = frozenset(
    {
        "board_member",
        "executive",
        "governance_lead",
        "complaints_manager",
        "complaints_handler",
        "service_lead",
        "auditor",
        "operator",
    }
)

ACCESS: Access = {
    "complaints:measures": MEASURE_VIEWERS,
    "complaints:exports": MEASURE_VIEWERS,
    # The KO41a return: aggregates, so every measure viewer may download it.
    "complaints:export_download": MEASURE_VIEWERS,
    # CQC's requests (2014 Regulations, reg 16(3)): the complaints team answers them.
    "complaints:cqc_requests": COMPLAINTS_STAFF,
    "complaints:cqc_request_sent": COMPLAINTS_STAFF,
    "complaints:cqc_request_summary": COMPLAINTS_STAFF,
}


def cqc_request(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions

    made = actions.record_cqc_request(
        acting_user=None,
        received_on=datetime.date(2026, 3, 2),
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 2, 28),
    )
    return {"pk": made.pk}


SAMPLES: Samples = {
    "complaints:export_download": lambda trust: {"kind": "ko41a"},
    "complaints:cqc_request_sent": cqc_request,
    "complaints:cqc_request_summary": cqc_request,
}
