"""An executive signs off a done action: never its owner, never without evidence."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.inspections import actions
from wellled.inspections.models import ActionPlan, PlanStatus
from wellled.inspections.tests.support import planned

pytestmark = pytest.mark.django_db


def _done(plan: ActionPlan) -> ActionPlan:
    actions.add_evidence(acting_user=None, plan=plan, kind="note", title="Audit", note="Done.")
    return actions.record_progress(acting_user=None, plan=plan, note="Done", status="done")


def test_an_executive_signs_off_a_done_action_through_the_page(trust: Trust, client_for) -> None:
    plan = _done(planned(trust))
    client = client_for("executive")
    page = client.get(f"/inspections/actions/{plan.pk}/sign-off/").content.decode()
    assert "Audit" in page
    response = client.post(
        f"/inspections/actions/{plan.pk}/sign-off/", {"confirm": "on", "note": "Assured"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.signed_off_by == trust.people["executive"]
    assert plan.signed_off_on == timezone.localdate()
    assert not plan.awaiting_sign_off


def test_sign_off_before_done_is_refused(trust: Trust) -> None:
    plan = planned(trust)
    actions.add_evidence(acting_user=None, plan=plan, kind="note", title="Audit", note="Half.")
    with pytest.raises(ValidationError, match="not marked done yet"):
        actions.sign_off(acting_user=trust.people["executive"], plan=plan)
    plan.refresh_from_db()
    assert not plan.is_signed_off


def test_sign_off_with_no_evidence_is_refused(trust: Trust) -> None:
    plan = _done(planned(trust))
    # Evidence lost after the action was marked done (for example deleted by an administrator).
    plan.evidence.all().delete()
    with pytest.raises(ValidationError, match="no evidence of completion"):
        actions.sign_off(acting_user=trust.people["executive"], plan=plan)


def test_the_owner_cannot_sign_off_their_own_action(trust: Trust, client_for) -> None:
    plan = _done(planned(trust, owner="executive"))
    with pytest.raises(ValidationError, match="You own this action, so you cannot sign it off"):
        actions.sign_off(acting_user=trust.people["executive"], plan=plan)
    assert (
        client_for("executive").get(f"/inspections/actions/{plan.pk}/sign-off/").status_code == 403
    )
    plan.refresh_from_db()
    assert not plan.is_signed_off


@pytest.mark.parametrize("persona", ["governance_lead", "board_member", "service_lead", "auditor"])
def test_only_executives_sign_off(trust: Trust, persona: str, client_for) -> None:
    plan = _done(planned(trust, owner="complaints_manager"))
    with pytest.raises(PermissionDenied):
        actions.sign_off(acting_user=trust.people[persona], plan=plan)
    response = client_for(persona).post(
        f"/inspections/actions/{plan.pk}/sign-off/", {"confirm": "on"}
    )
    assert response.status_code == 403


def test_a_signed_off_action_is_closed(trust: Trust) -> None:
    plan = actions.sign_off(acting_user=trust.people["executive"], plan=_done(planned(trust)))
    with pytest.raises(ValidationError, match="already been signed off"):
        actions.sign_off(acting_user=trust.people["operator"], plan=plan)
    with pytest.raises(ValidationError, match="closed and cannot be changed"):
        actions.record_progress(acting_user=None, plan=plan, note="Reopen", status="on_track")
    with pytest.raises(ValidationError, match="closed and cannot be changed"):
        actions.add_evidence(acting_user=None, plan=plan, kind="note", title="x", note="y")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DONE


def test_moving_a_done_action_back_clears_its_done_date(trust: Trust) -> None:
    plan = _done(planned(trust))
    plan = actions.record_progress(
        acting_user=None, plan=plan, note="Audit found gaps", status="at_risk"
    )
    assert plan.done_on is None and not plan.awaiting_sign_off
