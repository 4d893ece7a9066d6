"""Who may open each URL of inspections: merged into tests/test_url_permissions.py.

The sample inspection is of the whole trust; the service lead sees it because it
covered their service, and owns the sample action.
"""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import Access, Samples
from wellled.core.testing import Trust

VIEWERS = frozenset(
    {"board_member", "executive", "governance_lead", "auditor", "service_lead", "operator"}
)
MANAGERS = frozenset({"governance_lead", "operator"})
OWNER_OR_MANAGER = MANAGERS | {"service_lead"}  # the sample action's owner
SIGNERS = frozenset({"executive", "operator"})

ACCESS: Access = {
    "inspections:list": VIEWERS,
    "inspections:new": MANAGERS,
    "inspections:board": VIEWERS,
    "inspections:detail": VIEWERS,
    "inspections:ratings": MANAGERS,
    "inspections:finding_new": MANAGERS,
    "inspections:report": VIEWERS,
    "inspections:plan_new": MANAGERS,
    "inspections:finding_edit": MANAGERS,
    "inspections:actions": VIEWERS,
    "inspections:action": VIEWERS,
    "inspections:action_edit": MANAGERS,
    "inspections:action_progress": OWNER_OR_MANAGER,
    "inspections:action_evidence": OWNER_OR_MANAGER,
    "inspections:action_milestone": OWNER_OR_MANAGER,
    "inspections:action_sign_off": SIGNERS,
    "inspections:action_reopen": SIGNERS,
    "inspections:milestone_done": OWNER_OR_MANAGER,
    "inspections:evidence_file": VIEWERS,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "inspection-list": VIEWERS,
    "inspection-detail": VIEWERS,
    "inspection-action-list": VIEWERS,
    "inspection-action-detail": VIEWERS,
    "inspection-action-progress": OWNER_OR_MANAGER,
    "inspection-action-evidence": OWNER_OR_MANAGER,
    "inspection-action-sign-off": SIGNERS,
    "inspection-action-reopen": SIGNERS,
    "inspection-finding-change": MANAGERS,
}


def _inspection(trust: Trust) -> dict[str, Any]:
    from wellled.inspections.tests.support import inspection

    return {"pk": inspection(trust).pk}


def _finding(trust: Trust) -> dict[str, Any]:
    from wellled.inspections.tests.support import finding, inspection

    return {"pk": finding(inspection(trust)).pk}


def _plan(trust: Trust) -> dict[str, Any]:
    from wellled.inspections.tests.support import planned

    return {"pk": planned(trust).pk}


def _milestone(trust: Trust) -> dict[str, Any]:
    from wellled.inspections.tests.support import planned

    return {"pk": planned(trust).milestones.get().pk}


def _evidence(trust: Trust) -> dict[str, Any]:
    from wellled.inspections import actions
    from wellled.inspections.tests.support import pdf_upload, planned

    evidence = actions.add_evidence(
        acting_user=None, plan=planned(trust), kind="file", title="Minutes", upload=pdf_upload()
    )
    return {"pk": evidence.pk}


SAMPLES: Samples = {
    "inspections:detail": _inspection,
    "inspections:ratings": _inspection,
    "inspections:finding_new": _inspection,
    "inspections:report": lambda t: {**_inspection(t), "fmt": "pdf"},
    "inspections:plan_new": _finding,
    "inspections:finding_edit": _finding,
    "inspections:action": _plan,
    "inspections:action_edit": _plan,
    "inspections:action_progress": _plan,
    "inspections:action_evidence": _plan,
    "inspections:action_milestone": _plan,
    "inspections:action_sign_off": _plan,
    "inspections:action_reopen": _plan,
    "inspections:milestone_done": _milestone,
    "inspections:evidence_file": _evidence,
    "inspection-detail": _inspection,
    "inspection-action-detail": _plan,
    "inspection-action-progress": _plan,
    "inspection-action-evidence": _plan,
    "inspection-action-sign-off": _plan,
    "inspection-action-reopen": _plan,
    "inspection-finding-change": _finding,
}
