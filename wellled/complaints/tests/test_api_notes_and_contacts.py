"""Investigation notes and the contact log through the API: the case page's notes and
contacts, read by whoever may open the case (the look audited), added by the
complaints team through the same actions, refused with the page's own words."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.models import CaseNote, Complaint
from wellled.complaints.tests.support import record
from wellled.complaints.tests.test_api import detail
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db
REFUSED = ["staff_member", "outsider", "operator"]


def _today() -> datetime.date:
    return timezone.localdate()


def _contact(**overrides: Any) -> dict[str, Any]:
    return {
        "contacted_on": _today().isoformat(),
        "method": "phone",
        "direction": "out",
        "with_whom": "The complainant",
        "summary": "Agreed to meet on the ward next week.",
        **overrides,
    }


def _views(case: Complaint, reason: str) -> int:
    looks = AuditEvent.objects.filter(action="record.viewed", object_id=str(case.pk))
    return sum(1 for event in looks if (event.after or {}).get("reason") == reason)


def test_a_handler_adds_a_note_and_the_service_lead_reads_it(trust, api_for) -> None:
    case = record(trust)
    body = {"noted_on": _today().isoformat(), "text": "Ward rota shows two nurses short."}

    added = api_for("complaints_handler").post(detail(case, "notes/"), body, format="json")

    assert added.status_code == 201, added.json()
    note = CaseNote.objects.get(pk=added.json()["id"])
    assert note.kind == CaseNote.Kind.NOTE and note.text == "Ward rota shows two nurses short."
    assert added.json()["recorded_by"] == trust.people["complaints_handler"].get_full_name()
    # The trail says a note was added and when, never what it says.
    event = AuditEvent.objects.get(action="complaint.note_added")
    assert "nurses" not in str(event.after)
    listed = api_for("service_lead").get(detail(case, "notes/"))
    assert listed.status_code == 200
    assert [n["text"] for n in listed.json()["results"]] == ["Ward rota shows two nurses short."]
    assert _views(case, "notes") == 1  # notes may name people: the look is on the trail


def test_contacts_are_listed_apart_from_notes_newest_first(trust, api_for) -> None:
    case = record(trust)
    handler = api_for("complaints_handler")
    earlier = _contact(contacted_on=(_today() - datetime.timedelta(days=3)).isoformat())
    assert handler.post(detail(case, "contacts/"), earlier, format="json").status_code == 201
    later = _contact(method="email", direction="in", summary="Asked for the notes")
    made = handler.post(detail(case, "contacts/"), later, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["method"] == "email" and made.json()["direction"] == "in"
    actions.add_case_note(acting_user=None, complaint=case, text="A note", noted_on=_today())

    page = handler.get(detail(case, "contacts/")).json()
    assert page["count"] == 2
    assert [c["summary"] for c in page["results"]] == ["Asked for the notes", earlier["summary"]]
    assert handler.get(detail(case, "notes/")).json()["count"] == 1


def test_an_empty_or_too_long_note_is_refused_with_the_pages_words(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_handler")
    empty = client.post(detail(case, "notes/"), {"noted_on": _today().isoformat(), "text": " "})
    assert empty.status_code == 400 and empty.json()["text"] == ["Write the note"]
    missing = client.post(detail(case, "notes/"), {"text": "A note"}, format="json")
    assert missing.json()["noted_on"] == ["Enter the date of the note"]
    long = "x" * (actions.NOTE_MAX_LENGTH + 1)
    too_long = client.post(
        detail(case, "notes/"), {"noted_on": _today().isoformat(), "text": long}, format="json"
    )
    assert too_long.status_code == 400 and "Keep it to 10,000 characters" in str(too_long.json())
    future = (_today() + datetime.timedelta(days=1)).isoformat()
    ahead = client.post(detail(case, "notes/"), {"noted_on": future, "text": "A note"})
    assert ahead.json()["noted_on"] == ["The date must be today or in the past"]
    assert not CaseNote.objects.exists()


def test_a_contact_with_nobody_or_no_method_is_refused_by_field(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_handler")
    bad = client.post(
        detail(case, "contacts/"),
        _contact(method="pigeon", direction="", with_whom="", summary=""),
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "method": ["Choose how you were in contact"],
        "direction": ["Say who made contact"],
        "with_whom": ["Say who the contact was with, for example the complainant"],
        "summary": ["Say what was said or agreed"],
    }
    long = client.post(detail(case, "contacts/"), _contact(with_whom="x" * 201), format="json")
    assert long.json()["with_whom"] == ["Who the contact was with must be 200 characters or fewer"]
    assert not CaseNote.objects.exists()


def test_who_may_only_read_the_case_cannot_add_to_it(trust, api_for) -> None:
    case = record(trust)
    client = api_for("service_lead")
    note = {"noted_on": _today().isoformat(), "text": "A note"}
    assert client.post(detail(case, "notes/"), note, format="json").status_code == 403
    assert client.post(detail(case, "contacts/"), _contact(), format="json").status_code == 403
    # Refused before the body is read: an empty body is refused the same way.
    assert client.post(detail(case, "notes/"), {}, format="json").status_code == 403
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_people_without_complaints_access_learn_nothing_from_notes(trust, api_for, persona) -> None:
    case = record(trust)
    actions.add_case_note(acting_user=None, complaint=case, text="Private", noted_on=_today())
    client = api_for(persona)
    for sub in ("notes/", "contacts/"):
        assert client.get(detail(case, sub)).status_code == 403
        assert client.post(detail(case, sub), {}, format="json").status_code == 403
    assert CaseNote.objects.count() == 1 and _views(case, "notes") == 0


def test_a_case_that_does_not_exist_is_not_found(api_for) -> None:
    client = api_for("complaints_manager")
    assert client.get("/api/v1/complaints/999999/notes/").status_code == 404
    assert client.post("/api/v1/complaints/999999/contacts/", _contact()).status_code == 404


def test_the_schema_documents_both_with_their_bodies(api_for) -> None:
    schema = api_for("complaints_manager").get("/api/v1/schema/?format=json").json()
    notes = schema["paths"]["/api/v1/complaints/{id}/notes/"]
    contacts = schema["paths"]["/api/v1/complaints/{id}/contacts/"]
    assert set(notes) >= {"get", "post"} and set(contacts) >= {"get", "post"}
    listed = notes["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert listed.endswith("/PaginatedCaseNoteList")
    body = contacts["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    required = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]["required"]
    assert set(required) == {"contacted_on", "method", "direction", "with_whom", "summary"}
