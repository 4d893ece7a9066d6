"""Who may open each URL of inspections: merged into tests/test_url_permissions.py.

The sample inspection is of the whole trust; the service lead sees it because it
covered their service, and owns the sample action (an improvement action raised
on its finding: its own pages are improvement's).
"""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import ALL_PERSONAS, Access, Samples
from wellled.core.testing import Trust

VIEWERS = frozenset(
    {"board_member", "executive", "governance_lead", "auditor", "service_lead", "operator"}
)
MANAGERS = frozenset({"governance_lead", "operator"})

# Who sees the sample action (on a finding of the trust-wide inspection, owned by
# the service lead): readers of the actions register over the trust, and those
# who read the inspection. Its old addresses forward for them; others get 404.
ACTION_VIEWERS = VIEWERS | {"complaints_manager"}

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
    # Old addresses of inspection action plans: they forward (tests/url_posts.py).
    "inspections:actions": ALL_PERSONAS,
    "inspections:action": ACTION_VIEWERS,
    "inspections:action_edit": ACTION_VIEWERS,
    "inspections:action_progress": ACTION_VIEWERS,
    "inspections:action_evidence": ACTION_VIEWERS,
    "inspections:action_milestone": ACTION_VIEWERS,
    "inspections:action_sign_off": ACTION_VIEWERS,
    "inspections:action_reopen": ACTION_VIEWERS,
    "inspections:evidence_file": ACTION_VIEWERS,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "inspection-list": VIEWERS,
    "inspection-detail": VIEWERS,
    "inspection-action-list": ALL_PERSONAS,
    "inspection-action-detail": ACTION_VIEWERS,
    "inspection-action-progress": ACTION_VIEWERS,
    "inspection-action-evidence": ACTION_VIEWERS,
    "inspection-action-sign-off": ACTION_VIEWERS,
    "inspection-action-reopen": ACTION_VIEWERS,
    "inspection-finding-change": MANAGERS,
}


def _inspection(trust: Trust) -> dict[str, Any]:
    from wellled.inspections.tests.support import inspection

    return {"pk": inspection(trust).pk}


def _finding(trust: Trust) -> dict[str, Any]:
    from wellled.inspections.tests.support import finding, inspection

    return {"pk": finding(inspection(trust)).pk}


def _plan(trust: Trust) -> dict[str, Any]:
    """An action as the data migration left a moved plan: it keeps the plan's old id."""
    from wellled.improvement.models import Action
    from wellled.inspections.tests.support import planned

    action = planned(trust)
    old_id = 5000 + action.pk
    Action.objects.filter(pk=action.pk).update(legacy_ref=f"inspections.actionplan:{old_id}")
    return {"pk": old_id}


def _evidence(trust: Trust) -> dict[str, Any]:
    """Evidence as the data migration left a moved plan's document."""
    from wellled.improvement import actions
    from wellled.improvement.models import ActionEvidence
    from wellled.inspections.tests.support import pdf_upload, planned

    link = actions.add_evidence(
        acting_user=None,
        action=planned(trust),
        kind="document",
        title="Minutes",
        upload=pdf_upload(),
        statement_ids=["learning-improvement-and-innovation"],
    )
    old_id = 7000 + link.pk
    ActionEvidence.objects.filter(pk=link.pk).update(
        legacy_ref=f"inspections.completionevidence:{old_id}"
    )
    return {"pk": old_id}


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
    "inspections:evidence_file": _evidence,
    "inspection-detail": _inspection,
    "inspection-action-detail": _plan,
    "inspection-action-progress": _plan,
    "inspection-action-evidence": _plan,
    "inspection-action-sign-off": _plan,
    "inspection-action-reopen": _plan,
    "inspection-finding-change": _finding,
}
