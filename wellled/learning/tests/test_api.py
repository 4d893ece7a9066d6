"""Scripts read the learning library and record actions done through /api/v1/learning/."""

from __future__ import annotations

import pytest

from wellled.core.testing import Trust
from wellled.improvement.models import Action
from wellled.learning.tests.support import add_action, share, upheld_case

pytestmark = pytest.mark.django_db


def test_the_library_lists_shared_learning_without_personal_data(trust: Trust, api_for) -> None:
    complaint, _ = upheld_case(trust)
    share(trust, complaint)
    response = api_for("staff_member").get("/api/v1/learning/shared/", {"q": "call-back"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["title"] == "Call-backs that were never made"
    assert row["themes"] == ["Communications"]
    assert "Rivera" not in response.content.decode()
    assert complaint.reference not in response.content.decode()


def test_an_outsider_gets_nothing(trust: Trust, api_for) -> None:
    complaint, _ = upheld_case(trust)
    shared = share(trust, complaint)
    assert api_for("outsider").get("/api/v1/learning/shared/").status_code == 403
    assert api_for("outsider").get(f"/api/v1/learning/shared/{shared.pk}/").status_code == 403


def _moved(action: Action, old_id: int) -> int:
    """As the data migration left it: the action knows its old learning action's id."""
    Action.objects.filter(pk=action.pk).update(legacy_ref=f"learning.learningaction:{old_id}")
    return old_id


def test_old_addresses_redirect_and_complete_still_works(trust: Trust, api_for) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    old = _moved(action, 7)
    client = api_for("service_lead")
    listed = client.get("/api/v1/learning/actions/")
    assert listed.status_code == 301
    assert listed["Location"] == "/api/v1/actions/?source_kind=complaint_learning"
    assert client.get(f"/api/v1/learning/actions/{old}/")["Location"] == (
        f"/api/v1/actions/{action.pk}/"
    )
    bad = client.post(f"/api/v1/learning/actions/{old}/complete/", {"evidence": " "})
    assert bad.status_code == 400
    done = client.post(
        f"/api/v1/learning/actions/{old}/complete/",
        {"evidence": "Audit in April: all call-backs made.", "completed_on": "2026-04-28"},
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert len(done.json()["evidence_ids"]) == 1


def test_learning_actions_are_listed_with_every_action(trust: Trust, api_for) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    handler = api_for("complaints_handler")  # manages the service's learning
    listed = handler.get("/api/v1/actions/", {"source_kind": "complaint_learning"}).json()
    assert [row["id"] for row in listed["results"]] == [action.pk]


def test_someone_else_may_not_complete_it(trust: Trust, api_for) -> None:
    _, issue = upheld_case(trust)
    old = _moved(add_action(trust, issue), 8)
    response = api_for("staff_member").post(
        f"/api/v1/learning/actions/{old}/complete/", {"evidence": "Done"}
    )
    assert response.status_code == 404
    assert api_for("staff_member").get("/api/v1/actions/").json()["count"] == 0
