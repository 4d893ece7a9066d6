"""/api/v1/assurance/inspections/, and the old addresses of inspection actions, which
forward to /api/v1/actions/ (inspection actions are improvement actions)."""

from __future__ import annotations

import pytest

from wellled.core.testing import Trust
from wellled.improvement.models import Action
from wellled.inspections.models import Finding
from wellled.inspections.tests.support import finding, inspection, pdf_upload, planned

pytestmark = pytest.mark.django_db


def test_inspections_list_and_detail_with_findings_and_their_actions(trust: Trust, api_for) -> None:
    record = inspection(trust)
    finding(record)
    api = api_for("board_member")
    listing = api.get("/api/v1/assurance/inspections/").json()
    assert [row["title"] for row in listing["results"]] == ["CQC well-led inspection 2025"]
    detail = api.get(f"/api/v1/assurance/inspections/{record.pk}/").json()
    assert detail["findings"][0]["statement_ids"] == ["learning-improvement-and-innovation"]
    assert detail["findings"][0]["action"] is None
    assert api_for("guardian").get("/api/v1/assurance/inspections/").status_code == 403
    raised = planned(trust)
    answered = Finding.objects.get(pk=int(raised.source_id))
    detail = api.get(f"/api/v1/assurance/inspections/{answered.inspection_id}/").json()
    assert detail["findings"][0]["action"] == raised.pk
    assert detail["findings"][0]["actions"] == [raised.pk]


def _moved(action: Action, old_id: int) -> int:
    """As the data migration left it: the action knows its old plan's id."""
    Action.objects.filter(pk=action.pk).update(legacy_ref=f"inspections.actionplan:{old_id}")
    return old_id


def test_old_action_addresses_forward_to_the_improvement_api(trust: Trust, api_for) -> None:
    target = planned(trust)
    old = _moved(target, 12)
    api = api_for("governance_lead")
    listed = api.get("/api/v1/assurance/actions/")
    assert listed.status_code == 301
    assert listed["Location"] == "/api/v1/actions/?source_kind=inspection_finding"
    one = api.get(f"/api/v1/assurance/actions/{old}/")
    assert (one.status_code, one["Location"]) == (301, f"/api/v1/actions/{target.pk}/")
    for old_path, new_path in [
        ("progress/", "progress/"),
        ("evidence/", "evidence/"),
        ("sign-off/", "sign-off/"),
        ("reopen/", "reopen/"),
    ]:
        moved = api.post(f"/api/v1/assurance/actions/{old}/{old_path}", {}, format="json")
        assert moved.status_code == 308
        assert moved["Location"] == f"/api/v1/actions/{target.pk}/{new_path}"
    # Someone who may not see the action learns nothing of it from its old id.
    assert api_for("staff_member").get(f"/api/v1/assurance/actions/{old}/").status_code == 404


def test_evidence_completion_and_sign_off_through_the_actions_api(trust: Trust, api_for) -> None:
    target = planned(trust, milestones=[])
    owner = api_for("service_lead")
    base = f"/api/v1/actions/{target.pk}/"
    refused = owner.post(f"{base}complete/", {"note": "Finished"}, format="json")
    assert refused.status_code == 400
    assert "Add evidence of completion" in str(refused.json())
    added = owner.post(
        f"{base}evidence/",
        {"kind": "document", "title": "Minutes", "file": pdf_upload()},
        format="multipart",
    )
    assert added.status_code == 201, added.content
    item_id = added.json()["evidence_ids"][0]
    library = api_for("governance_lead").get(f"/api/v1/assurance/evidence/{item_id}/").json()
    # Filed under the finding's quality statement, without naming it.
    assert library["statements"] == ["learning-improvement-and-innovation"]
    assert library["file_type"] == "application/pdf"
    done = owner.post(f"{base}complete/", {"note": "Finished"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert owner.post(f"{base}sign-off/").status_code == 403
    signed = api_for("executive").post(f"{base}sign-off/", {"note": "Assured"}, format="json")
    assert signed.status_code == 200
    assert signed.json()["signed_off_on"] is not None


def test_the_api_refuses_others_updates(trust: Trust, api_for) -> None:
    target = planned(trust)
    response = api_for("executive").post(
        f"/api/v1/actions/{target.pk}/progress/",
        {"status": "on_track", "note": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert not target.updates.exists()


def test_the_schema_generates(client) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/actions/{id}/evidence/" in response.content
    assert b"/api/v1/assurance/actions/{id}/sign-off/" in response.content
