"""Scripts read the learning library and record actions done through /api/v1/learning/."""

from __future__ import annotations

import pytest

from wellled.core.testing import Trust
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


def test_the_owner_completes_an_action_and_bad_input_is_a_400(trust: Trust, api_for) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    client = api_for("service_lead")
    listed = client.get("/api/v1/learning/actions/", {"done": "false"}).json()
    assert [row["id"] for row in listed["results"]] == [action.pk]
    bad = client.post(f"/api/v1/learning/actions/{action.pk}/complete/", {"evidence": " "})
    assert bad.status_code == 400
    done = client.post(
        f"/api/v1/learning/actions/{action.pk}/complete/",
        {"evidence": "Audit in April: all call-backs made.", "completed_on": "2026-04-28"},
    )
    assert done.status_code == 200
    assert done.json()["is_done"] is True


def test_someone_else_may_not_complete_it(trust: Trust, api_for) -> None:
    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    response = api_for("staff_member").post(
        f"/api/v1/learning/actions/{action.pk}/complete/", {"evidence": "Done"}
    )
    assert response.status_code == 403
    assert api_for("staff_member").get("/api/v1/learning/actions/").json()["count"] == 0
