"""/api/v1/actions/ with the pages' permissions and the same action functions.

Grace (governance lead) raises and re-plans; Sam (service lead) owns; Erin
(executive) signs off; Stan (staff member) and Olly (outsider) are refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wellled.core.testing import Trust
from wellled.improvement.models import Action, Status
from wellled.improvement.tests.builders import (
    an_action,
    an_overdue_action,
    days,
    finished,
    with_evidence,
)
from wellled.improvement.tests.support import KIND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_source")]

BASE = "/api/v1/actions/"


def _raise_body(trust: Trust, **overrides: Any) -> dict[str, Any]:
    return {
        "source_kind": KIND,
        "source_id": str(trust.service.pk),
        "title": "Call every complainant within two days",
        "owner": trust.people["service_lead"].pk,
        "due_on": days(30).isoformat(),
        "milestones": [{"title": "Script agreed", "due_on": days(7).isoformat()}],
        **overrides,
    }


def test_grace_lists_the_register_overdue_first_and_filtered(trust: Trust, api_for: Any) -> None:
    an_action(trust, title="On time")
    an_overdue_action(trust, late_by=4)
    api = api_for("governance_lead")
    body = api.get(BASE).json()
    assert [row["title"] for row in body["results"]] == ["Late by 4", "On time"]
    late = body["results"][0]
    assert late["overdue"] is True and late["days_overdue"] == 4
    assert late["source"]["label"] == "Test finding at Community mental health"
    assert late["owner_name"] == "Service Lead"
    overdue = api.get(BASE, {"state": "overdue"}).json()
    assert [row["title"] for row in overdue["results"]] == ["Late by 4"]
    assert api.get(BASE, {"state": "sideways"}).status_code == 400
    assert api.get(BASE, {"care_group": trust.care_group.pk}).json()["count"] == 2


@pytest.mark.parametrize("persona", ["staff_member", "outsider"])
def test_people_without_the_register_see_none_of_it(
    trust: Trust, api_for: Any, persona: str
) -> None:
    action = an_action(trust)
    api = api_for(persona)
    assert api.get(BASE).json()["count"] == 0  # they list only what they may see
    assert api.get(f"{BASE}{action.pk}/").status_code == 404
    assert api.post(f"{BASE}{action.pk}/progress/", {}).status_code == 404


def test_one_action_has_its_milestones_updates_replans_and_evidence(
    trust: Trust, api_for: Any
) -> None:
    action = with_evidence(trust, an_action(trust, milestones=[("Script agreed", days(7))]))
    api = api_for("governance_lead")
    api.post(
        f"{BASE}{action.pk}/replan/",
        {"due_on": days(45).isoformat(), "reason": "New phones"},
        format="json",
    )
    body = api.get(f"{BASE}{action.pk}/").json()
    assert [m["title"] for m in body["milestones"]] == ["Script agreed"]
    assert body["replans"][0]["reason"] == "New phones"
    assert body["replans"][0]["new_due_on"] == days(45).isoformat()
    assert len(body["evidence_ids"]) == 1


def test_grace_raises_an_action_and_bad_input_is_a_400(trust: Trust, api_for: Any) -> None:
    api = api_for("governance_lead")
    refused = api.post(BASE, _raise_body(trust, due_on=days(-1).isoformat()), format="json")
    assert refused.status_code == 400
    assert "before the action was raised" in refused.json()["due_on"][0]
    outside = api.post(BASE, _raise_body(trust, owner=trust.people["outsider"].pk), format="json")
    assert outside.status_code == 400 and "owner" in outside.json()
    assert not Action.objects.exists()
    created = api.post(BASE, _raise_body(trust), format="json")
    assert created.status_code == 201
    assert created.json()["sign_off_role"] == "executive"
    assert created.json()["milestones"][0]["title"] == "Script agreed"
    staff = api_for("staff_member").post(BASE, _raise_body(trust), format="json")
    assert staff.status_code == 403


def test_sam_reports_progress_and_completes_with_evidence(trust: Trust, api_for: Any) -> None:
    action = an_action(trust)
    sam = api_for("service_lead")
    url = f"{BASE}{action.pk}/"
    done = sam.post(url + "progress/", {"status": "done", "note": "x"}, format="json")
    assert done.status_code == 400 and "status" in done.json()
    ok = sam.post(url + "progress/", {"status": "at_risk", "note": "Two off sick"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == Status.AT_RISK
    bare = sam.post(url + "complete/", {"note": "Done"}, format="json")
    assert bare.status_code == 400 and "evidence" in bare.json()["note"][0]
    with_evidence(trust, action)
    completed = sam.post(url + "complete/", {"note": "Calls routine"}, format="json")
    assert completed.json()["status"] == Status.DONE
    assert completed.json()["awaiting_sign_off"] is True


def test_only_managers_re_plan_and_only_the_signer_signs_off(trust: Trust, api_for: Any) -> None:
    action = finished(trust, an_action(trust))
    url = f"{BASE}{action.pk}/"
    erin, sam = api_for("executive"), api_for("service_lead")
    assert erin.post(url + "replan/", {}, format="json").status_code == 403
    assert erin.post(url + "progress/", {}, format="json").status_code == 403
    owner = sam.post(url + "sign-off/", {"note": "Mine"}, format="json")
    assert owner.status_code == 403 and "You own this action" in owner.json()["detail"]
    signed = erin.post(url + "sign-off/", {"note": "Seen the log"}, format="json")
    assert signed.status_code == 200 and signed.json()["signed_off_by_name"] == "Executive"
    again = erin.post(url + "sign-off/", {}, format="json")
    assert again.status_code == 400


def _queries(api: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(BASE).status_code == 200
    return len(captured)


def test_the_list_reads_the_same_number_of_queries_for_1_or_6_actions(
    trust: Trust, api_for: Any
) -> None:
    api = api_for("governance_lead")
    an_overdue_action(trust)
    api.get(BASE)
    one = _queries(api)
    for n in range(5):
        an_action(trust, title=f"Action {n}")
    assert _queries(api) == one
