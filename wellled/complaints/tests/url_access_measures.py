"""Who may open the complaints measures and exports URLs (merged by the complaints matrix)."""

from __future__ import annotations

from tests.url_access_groups import Access, Samples

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
}

SAMPLES: Samples = {
    "complaints:export_download": lambda trust: {"kind": "ko41a"},
}
