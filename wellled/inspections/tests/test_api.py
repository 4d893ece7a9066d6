"""/api/v1/assurance/inspections/ and /api/v1/assurance/actions/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.inspections import actions
from wellled.inspections.tests.support import finding, inspection, pdf_upload, plan, planned

pytestmark = pytest.mark.django_db


def test_inspections_list_and_detail_with_findings(trust: Trust, api_for) -> None:
    record = inspection(trust)
    finding(record)
    api = api_for("board_member")
    listing = api.get("/api/v1/assurance/inspections/").json()
    assert [row["title"] for row in listing["results"]] == ["CQC well-led inspection 2025"]
    detail = api.get(f"/api/v1/assurance/inspections/{record.pk}/").json()
    assert detail["findings"][0]["statement_ids"] == ["learning-improvement-and-innovation"]
    assert detail["findings"][0]["action"] is None
    assert api_for("guardian").get("/api/v1/assurance/inspections/").status_code == 403


def test_actions_filter_by_status_overdue_and_owner(trust: Trust, api_for) -> None:
    record = inspection(trust)
    today = timezone.localdate()
    late = plan(trust, finding(record), title="Late", due_date=today - datetime.timedelta(days=2))
    risky = plan(trust, finding(record, reference="MD2"), title="Risky", owner="complaints_manager")
    actions.record_progress(acting_user=None, plan=risky, note="Slipping", status="at_risk")
    api = api_for("governance_lead")

    def titles(query: str) -> list[str]:
        response = api.get(f"/api/v1/assurance/actions/?{query}")
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles("overdue=true") == ["Late"]
    assert titles("overdue=false") == ["Risky"]
    assert titles("status=at_risk") == ["Risky"]
    assert titles("status=overdue") == ["Late"]
    assert titles(f"owner={trust.people['complaints_manager'].pk}") == ["Risky"]
    assert titles(f"inspection={record.pk}") == ["Late", "Risky"]
    assert api.get(f"/api/v1/assurance/actions/{late.pk}/").json()["shown_status"] == "overdue"
    assert api.get("/api/v1/assurance/actions/?status=finished").status_code == 400
    assert api.get("/api/v1/assurance/actions/?owner=me").status_code == 400


def test_an_owner_without_an_inspections_role_sees_only_their_actions(
    trust: Trust, api_for
) -> None:
    record = inspection(trust)
    mine = plan(trust, finding(record), owner="guardian", title="Speaking up")
    plan(trust, finding(record, reference="MD2"), title="Not mine")
    api = api_for("guardian")
    assert [r["id"] for r in api.get("/api/v1/assurance/actions/").json()["results"]] == [mine.pk]
    assert api_for("outsider").get("/api/v1/assurance/actions/").json()["count"] == 0


def test_progress_evidence_and_sign_off_through_the_api(trust: Trust, api_for) -> None:
    target = planned(trust)
    owner = api_for("service_lead")
    refused = owner.post(
        f"/api/v1/assurance/actions/{target.pk}/progress/",
        {"status": "done", "note": "Finished"},
        format="json",
    )
    assert refused.status_code == 400
    assert "Add evidence of completion" in refused.json()["status"][0]

    added = owner.post(
        f"/api/v1/assurance/actions/{target.pk}/evidence/",
        {"kind": "file", "title": "Minutes", "file": pdf_upload()},
        format="multipart",
    )
    assert added.status_code == 201, added.content
    assert added.json()["content_type"] == "application/pdf"

    done = owner.post(
        f"/api/v1/assurance/actions/{target.pk}/progress/",
        {"status": "done", "note": "Finished"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["awaiting_sign_off"] is True

    assert owner.post(f"/api/v1/assurance/actions/{target.pk}/sign-off/").status_code == 403
    signed = api_for("executive").post(
        f"/api/v1/assurance/actions/{target.pk}/sign-off/", {"note": "Assured"}, format="json"
    )
    assert signed.status_code == 200
    assert signed.json()["signed_off_by_name"] == "Executive"


def test_the_api_refuses_others_updates(trust: Trust, api_for) -> None:
    target = planned(trust)
    response = api_for("executive").post(
        f"/api/v1/assurance/actions/{target.pk}/progress/",
        {"status": "on_track", "note": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert not target.updates.exists()


def test_the_schema_generates(client) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/assurance/actions/{id}/sign-off/" in response.content
