"""Editing and retiring evidence: through the action, the pages and the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from wellled.assurance import actions
from wellled.assurance.queries import assurance_work, evidence_for_statement
from wellled.assurance.tests.support import evidence, pdf_bytes, png_bytes, trust_round, upload
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def _change(trust: Trust, item, **overrides):
    today = timezone.localdate()
    values = {
        "acting_user": item.owner,
        "item": item,
        "title": "Board minutes, March",
        "description": "What the board heard in March",
        "statement_ids": ["governance-management-and-sustainability"],
        "category_ids": ["processes"],
        "owner": item.owner,
        "evidence_date": today - datetime.timedelta(days=10),
        "review_date": today + datetime.timedelta(days=90),
    }
    values.update(overrides)
    return actions.change_evidence(**values)


def test_the_owner_edits_tags_owner_dates_and_text(trust: Trust) -> None:
    item = evidence(trust)
    changed = _change(trust, item, owner=trust.people["executive"])
    assert changed.title == "Board minutes, March"
    assert changed.statement_ids == ["governance-management-and-sustainability"]
    assert changed.category_ids == ["processes"]
    assert changed.owner == trust.people["executive"]
    event = AuditEvent.objects.filter(action="assurance.evidence_changed").get()
    assert (event.before or {})["statements"] == ["freedom-to-speak-up"]
    assert (event.after or {})["owner_id"] == trust.people["executive"].pk


def test_a_new_file_replaces_the_old_with_the_change_audited(
    trust: Trust, django_capture_on_commit_callbacks
) -> None:
    item = evidence(
        trust,
        kind="document",
        upload=upload("minutes.pdf", pdf_bytes(), "application/pdf"),
        description="",
    )
    old_name = item.file.name
    assert item.file_version == 1
    with django_capture_on_commit_callbacks(execute=True):
        changed = _change(trust, item, upload=upload("photo.png", png_bytes(), "image/png"))
    assert changed.file_version == 2
    assert changed.file_type == "image/png"
    assert not default_storage.exists(old_name)
    assert default_storage.exists(changed.file.name)
    event = AuditEvent.objects.filter(action="assurance.evidence_changed").get()
    assert (event.before or {})["file_name"] == "minutes.pdf"
    assert (event.after or {})["file_version"] == 2


def test_a_disguised_replacement_is_refused_and_the_old_file_kept(trust: Trust) -> None:
    item = evidence(
        trust, kind="document", upload=upload("minutes.pdf", pdf_bytes()), description=""
    )
    with pytest.raises(ValidationError) as caught:
        _change(trust, item, upload=upload("photo.pdf", png_bytes()))
    assert "PNG" in caught.value.message_dict["file"][0]
    item.refresh_from_db()
    assert item.file_version == 1 and default_storage.exists(item.file.name)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"statement_ids": []}, "statements"),
        ({"title": "  "}, "title"),
        ({"review_date": datetime.date(2000, 1, 1)}, "review_date"),
        ({"evidence_date": datetime.date(2999, 1, 1)}, "evidence_date"),
    ],
)
def test_bad_edits_are_refused_and_nothing_changes(
    trust: Trust, overrides: dict[str, object], field: str
) -> None:
    item = evidence(trust)
    with pytest.raises(ValidationError) as caught:
        _change(trust, item, **overrides)
    assert field in caught.value.message_dict
    item.refresh_from_db()
    assert item.title == "Board minutes" and item.statement_ids == ["freedom-to-speak-up"]


def test_a_file_on_a_note_is_refused(trust: Trust) -> None:
    item = evidence(trust)
    with pytest.raises(ValidationError) as caught:
        _change(trust, item, upload=upload("minutes.pdf", pdf_bytes()))
    assert "Only a document has a file" in caught.value.message_dict["file"][0]


def test_others_may_not_edit_or_retire(trust: Trust, client_for) -> None:
    item = evidence(trust)
    for persona in ("board_member", "guardian", "executive"):
        with pytest.raises(PermissionDenied):
            _change(trust, item, acting_user=trust.people[persona])
        with pytest.raises(PermissionDenied):
            actions.retire_evidence(acting_user=trust.people[persona], item=item, reason="Old")
    client = client_for("guardian")
    assert client.get(f"/assurance/evidence/{item.pk}/edit/").status_code == 403
    assert client.post(f"/assurance/evidence/{item.pk}/retire/", {"reason": "x"}).status_code == 403
    item.refresh_from_db()
    assert not item.is_retired


def test_retired_evidence_leaves_the_library_packs_and_my_work(trust: Trust) -> None:
    lead = trust.people["governance_lead"]
    item = evidence(trust, review_in=-5)  # stale
    assert assurance_work(lead)
    with pytest.raises(ValidationError) as caught:
        actions.retire_evidence(acting_user=lead, item=item, reason=" ")
    assert caught.value.message_dict["reason"] == ["Say why the evidence is retired"]
    actions.retire_evidence(acting_user=lead, item=item, reason="Superseded by the 2026 minutes")
    item.refresh_from_db()
    assert item.is_retired and item.retired_by == lead
    assert not evidence_for_statement(lead, "freedom-to-speak-up").exists()
    assert evidence_for_statement(lead, "freedom-to-speak-up", include_retired=True).exists()
    assert assurance_work(lead) == []
    with pytest.raises(ValidationError):
        actions.retire_evidence(acting_user=lead, item=item, reason="Again")
    with pytest.raises(ValidationError):
        _change(trust, item)
    event = AuditEvent.objects.filter(action="assurance.evidence_retired").get()
    assert (event.after or {})["reason"] == "Superseded by the 2026 minutes"


def test_retired_evidence_cannot_be_newly_linked_to_a_score(trust: Trust) -> None:
    item = evidence(trust)
    item = actions.retire_evidence(acting_user=None, item=item, reason="Old")
    round_ = trust_round(trust)
    with pytest.raises(ValidationError) as caught:
        actions.score_statement(
            acting_user=None,
            assessment=round_.statements.get(statement_id="freedom-to-speak-up"),
            score=3,
            rationale="Good",
            evidence=[item],
        )
    assert "Retired evidence cannot be linked" in caught.value.message_dict["evidence"][0]


def test_the_library_hides_retired_unless_asked(trust: Trust, client_for) -> None:
    kept = evidence(trust, title="Current minutes")
    gone = evidence(trust, title="Old minutes")
    actions.retire_evidence(acting_user=None, item=gone, reason="Old")
    client = client_for("governance_lead")
    default = client.get("/assurance/evidence/").content.decode()
    assert "Current minutes" in default and "Old minutes" not in default
    both = client.get("/assurance/evidence/?retired=include").content.decode()
    assert "Current minutes" in both and "Old minutes" in both
    only = client.get("/assurance/evidence/?retired=only").content.decode()
    assert "Current minutes" not in only and "Old minutes" in only
    detail = client.get(f"/assurance/evidence/{gone.pk}/").content.decode()
    assert "Retired" in detail and "Change<span" not in detail
    assert client.get(f"/assurance/evidence/{kept.pk}/").status_code == 200


def test_edit_and_retire_through_the_pages(trust: Trust, client_for) -> None:
    item = evidence(trust)
    client = client_for("governance_lead")
    today = timezone.localdate()
    assert client.get(f"/assurance/evidence/{item.pk}/edit/").status_code == 200
    response = client.post(
        f"/assurance/evidence/{item.pk}/edit/",
        {
            "title": "Minutes, edited",
            "description": "Edited note",
            "statements": ["freedom-to-speak-up", "partnerships-and-communities"],
            "owner": trust.people["governance_lead"].pk,
            "evidence_date_day": today.day,
            "evidence_date_month": today.month,
            "evidence_date_year": today.year,
            "review_date_day": today.day,
            "review_date_month": today.month,
            "review_date_year": today.year + 1,
        },
    )
    assert response.status_code == 302, response.content.decode()
    item.refresh_from_db()
    assert item.title == "Minutes, edited"
    assert item.statement_ids == ["freedom-to-speak-up", "partnerships-and-communities"]
    bad = client.post(f"/assurance/evidence/{item.pk}/retire/", {"reason": ""})
    assert "Say why the evidence is retired" in bad.content.decode()
    done = client.post(f"/assurance/evidence/{item.pk}/retire/", {"reason": "Superseded"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.is_retired


def test_edit_and_retire_through_the_api(trust: Trust, api_for) -> None:
    item = evidence(trust)
    api = api_for("governance_lead")
    today = timezone.localdate()
    body = {
        "title": "API edit",
        "statements": ["freedom-to-speak-up"],
        "owner": trust.people["governance_lead"].pk,
        "evidence_date": str(today),
        "review_date": str(today + datetime.timedelta(days=30)),
        "description": "Note text",
    }
    changed = api.post(f"/api/v1/assurance/evidence/{item.pk}/change/", body, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "API edit"
    bad = api.post(
        f"/api/v1/assurance/evidence/{item.pk}/change/", {**body, "statements": []}, format="json"
    )
    assert bad.status_code == 400 and "statements" in bad.json()
    denied = api_for("guardian").post(
        f"/api/v1/assurance/evidence/{item.pk}/retire/", {"reason": "x"}, format="json"
    )
    assert denied.status_code == 403
    retired = api.post(
        f"/api/v1/assurance/evidence/{item.pk}/retire/", {"reason": "Old"}, format="json"
    )
    assert retired.json()["retired_on"] == str(today)
    listed = api.get("/api/v1/assurance/evidence/").json()
    assert item.pk not in [row["id"] for row in listed["results"]]
    listed = api.get("/api/v1/assurance/evidence/?retired=only").json()
    assert [row["id"] for row in listed["results"]] == [item.pk]
