"""/api/v1/assurance/: rounds with computed ratings, scores, ratings, evidence."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from wellled.assurance import actions
from wellled.assurance.tests.support import WELL_LED, assessment, evidence, score_all, trust_round
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def test_a_round_comes_with_its_scores_and_rating(api_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    score_all(trust, round_, dict(zip(WELL_LED, [4, 4, 4, 4, 3, 3, 3, 3], strict=True)))
    data = api_for("auditor").get(f"/api/v1/assurance/rounds/{round_.pk}/").json()
    assert data["methodology_id"] == "saf_2024_statements"
    assert len(data["statements"]) == 8
    well_led = data["outcome"]["key_questions"][0]
    assert well_led["result"]["raw_percentage"] == 87.5
    assert well_led["result"]["published_percentage"] == 88
    assert well_led["result"]["rating"] == "Outstanding"
    assert well_led["result"]["boundary_case"] is True
    assert well_led["result"]["ratings_by_rounding"]["floor"] == "Good"
    assert {w["direction"] for w in well_led["what_if"]} == {"down"}


def test_scores_are_posted_through_the_action(api_for, trust: Trust) -> None:
    round_ = trust_round(trust, previous_ratings={"well-led": "Good"})
    api = api_for("governance_lead")
    url = f"/api/v1/assurance/rounds/{round_.pk}/scores/"
    bad = api.post(
        url, {"statement_id": "freedom-to-speak-up", "score": 9, "rationale": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert "outside the scale" in bad.json()["score"][0]
    item = evidence(trust)
    good = api.post(
        url,
        {
            "statement_id": "freedom-to-speak-up",
            "score": 4,
            "rationale": "Survey",
            "evidence": [item.pk],
        },
        format="json",
    )
    assert good.status_code == 200
    row = next(s for s in good.json()["statements"] if s["statement_id"] == "freedom-to-speak-up")
    assert row["score"] == 4 and row["evidence"] == [item.pk]
    # 4 + 7 x 3 carried from Good = 25/32 = 78.1%.
    assert good.json()["outcome"]["key_questions"][0]["result"]["published_percentage"] == 78
    unknown = api.post(
        url, {"statement_id": "made-up", "score": 3, "rationale": "x"}, format="json"
    )
    assert unknown.status_code == 404


def test_readers_cannot_post_scores_or_close(api_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    api = api_for("board_member")
    body = {"statement_id": "freedom-to-speak-up", "score": 3, "rationale": "x"}
    assert (
        api.post(f"/api/v1/assurance/rounds/{round_.pk}/scores/", body, format="json").status_code
        == 403
    )
    assert (
        api.post(f"/api/v1/assurance/rounds/{round_.pk}/close/", {}, format="json").status_code
        == 403
    )
    assert api_for("outsider").get(f"/api/v1/assurance/rounds/{round_.pk}/").status_code == 403


def test_closing_without_reason_is_a_400(api_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    api = api_for("governance_lead")
    refused = api.post(f"/api/v1/assurance/rounds/{round_.pk}/close/", {}, format="json")
    assert refused.status_code == 400 and "not scored" in refused.json()["reason"][0]
    closed = api.post(
        f"/api/v1/assurance/rounds/{round_.pk}/close/", {"reason": "Stopped"}, format="json"
    )
    assert closed.json()["status"] == "closed"


def test_rounds_are_opened_and_listed(api_for, trust: Trust) -> None:
    api = api_for("governance_lead")
    created = api.post(
        "/api/v1/assurance/rounds/",
        {"title": "API round", "scope": trust.service.pk, "methodology": "saf_2024_statements"},
        format="json",
    )
    assert created.status_code == 201
    assert len(created.json()["statements"]) == 34
    unknown = api.post(
        "/api/v1/assurance/rounds/",
        {"title": "Old", "scope": trust.trust.pk, "methodology": "saf_1999"},
        format="json",
    )
    assert unknown.status_code == 400
    assert "Unknown framework version" in unknown.json()["methodology"][0]
    assert api_for("service_lead").get("/api/v1/assurance/rounds/").json()["count"] == 1
    assert api_for("edi_lead").get("/api/v1/assurance/rounds/").json()["count"] == 0
    assert (
        api_for("board_member")
        .post(
            "/api/v1/assurance/rounds/",
            {"title": "x", "scope": trust.trust.pk},
            format="json",
        )
        .status_code
        == 403
    )


def test_ratings_wrap_the_engine(api_for) -> None:
    api = api_for("guardian")
    scores = dict(zip(WELL_LED, [3, 3, 3, 3, 2, 2, 2, 2], strict=True))
    result = api.post("/api/v1/assurance/ratings/", {"scores": scores}, format="json").json()
    assert result["published_percentage"] == 63 and result["rating"] == "Good"
    assert result["boundary_case"] is True
    floor = api.post(
        "/api/v1/assurance/ratings/", {"scores": scores, "rounding": "floor"}, format="json"
    ).json()
    assert floor["rating"] == "Requires improvement"
    bad = api.post(
        "/api/v1/assurance/ratings/", {"scores": {"freedom-to-speak-up": 5}}, format="json"
    )
    assert bad.status_code == 400
    unknown = api.post(
        "/api/v1/assurance/ratings/",
        {"scores": scores, "methodology": "saf_2031"},
        format="json",
    )
    assert unknown.status_code == 400
    assert "Unknown framework version" in unknown.json()["methodology"][0]
    assert (
        api_for("staff_member")
        .post("/api/v1/assurance/ratings/", {"scores": scores}, format="json")
        .status_code
        == 403
    )


def test_evidence_is_created_listed_and_retrieved(api_for, trust: Trust) -> None:
    api = api_for("guardian")
    today = timezone.localdate()
    body = {
        "kind": "link",
        "title": "Speak up policy",
        "unit": trust.trust.pk,
        "url": "https://intranet.example.nhs.uk/policy",
        "evidence_date": str(today - datetime.timedelta(days=400)),
        "review_date": str(today - datetime.timedelta(days=5)),
    }
    refused = api.post("/api/v1/assurance/evidence/", body, format="json")
    assert refused.status_code == 400
    assert "at least one quality statement" in refused.json()["statements"][0]
    created = api.post(
        "/api/v1/assurance/evidence/",
        {**body, "statements": ["freedom-to-speak-up"]},
        format="json",
    )
    assert created.status_code == 201
    item = created.json()
    assert item["stale"] is True and item["owner_name"] == "Guardian"
    listed = api.get("/api/v1/assurance/evidence/?stale=true&statement=freedom-to-speak-up").json()
    assert [row["id"] for row in listed["results"]] == [item["id"]]
    assert api.get("/api/v1/assurance/evidence/?stale=false").json()["count"] == 0
    assert api.get(f"/api/v1/assurance/evidence/{item['id']}/").json()["title"] == "Speak up policy"
    assert api_for("staff_member").get("/api/v1/assurance/evidence/").json()["count"] == 0


def test_a_document_is_uploaded_through_the_api(api_for, trust: Trust) -> None:
    from wellled.assurance.tests.support import png_bytes, upload

    api = api_for("governance_lead")
    today = timezone.localdate()
    form = {
        "kind": "document",
        "title": "Board photo",
        "unit": trust.trust.pk,
        "statements": ["shared-direction-and-culture", "freedom-to-speak-up"],
        "evidence_date": str(today),
        "review_date": str(today + datetime.timedelta(days=30)),
    }
    disguised = api.post(
        "/api/v1/assurance/evidence/", {**form, "file": upload("board.pdf", png_bytes())}
    )
    assert disguised.status_code == 400 and "content is PNG" in disguised.json()["file"][0]
    created = api.post(
        "/api/v1/assurance/evidence/", {**form, "file": upload("board.png", png_bytes())}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["statements"] == ["shared-direction-and-culture", "freedom-to-speak-up"]
    assert created.json()["file_type"] == "image/png"


def test_the_owner_may_score_through_the_api(api_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    actions.assign_owner(
        acting_user=trust.people["governance_lead"],
        assessment=assessment(round_, "freedom-to-speak-up"),
        owner=trust.people["guardian"],
    )
    response = api_for("guardian").post(
        f"/api/v1/assurance/rounds/{round_.pk}/scores/",
        {"statement_id": "freedom-to-speak-up", "score": "3", "rationale": "Improving"},
        format="json",
    )
    assert response.status_code == 200
