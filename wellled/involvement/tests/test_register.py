"""The involvement register: a person joins on the public page, or the involvement
lead adds them; only the lead sees who is on it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.involvement import actions, queries
from wellled.involvement.models import EqualityAnswers, Person, Source
from wellled.involvement.tests.support import person

pytestmark = pytest.mark.django_db
JOIN = "/involvement/join/"


def answers(trust: Trust, **overrides: Any) -> dict[str, Any]:
    return {
        "full_name": "Ada Okafor",
        "experience": "carer",
        "contact_by": "email",
        "email": "ada@example.org",
        "phone": "",
        "postal_address": "",
        "interests": ["design", "recruitment"],
        "services": [str(trust.service.pk)],
        "accessibility_needs": "Large print, please",
        "consent_scope": ["contact", "share"],
        "retention_months": "24",
        "ethnic_group": "Black, Black British, Caribbean or African",
        "age_band": "45-54",
        "sex": "",
        "disabled": "",
        **overrides,
    }


def test_a_carer_joins_on_the_public_page_with_no_login(trust: Trust) -> None:
    client = Client()
    assert client.get(JOIN).status_code == 200
    response = client.post(JOIN, answers(trust))
    assert response.status_code == 302
    assert response["Location"] == reverse("involvement:public_thanks")
    ada = Person.objects.get()
    assert ada.source == Source.PUBLIC
    assert ada.consent_scope == ["contact", "share"] and ada.consent_on is not None
    assert list(ada.services.all()) == [trust.service]
    assert ada.interests == ["design", "recruitment"]
    assert ada.accessibility_needs == "Large print, please"
    # Equality answers are kept apart from the person's record.
    assert EqualityAnswers.objects.get(person=ada).age_band == "45-54"
    assert "we have your details" in client.get(response["Location"]).content.decode()


def test_the_public_page_keeps_no_address_browser_or_session(
    trust: Trust, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="SpyBrowser/9.9")
    with caplog.at_level(logging.DEBUG):
        client.get(JOIN)
        assert client.post(JOIN, answers(trust)).status_code == 302
    stored = [
        str(row)
        for event in AuditEvent.objects.all()
        for row in (event.before, event.after, event.object_repr)
    ]
    stored += [str(p.__dict__) for p in Person.objects.all()]
    stored += [caplog.text]
    for text in stored:
        assert "203.0.113.77" not in text and "SpyBrowser" not in text
    # No name in the audit trail either: the register entry is named by number.
    assert not any("Ada" in text for text in stored[:-2])
    # The session is never saved, so nothing dates the visit.
    assert not Session.objects.exists()


def test_registering_needs_consent_to_be_contacted(trust: Trust) -> None:
    response = Client().post(JOIN, answers(trust, consent_scope=["share"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "it is what we keep your details for" in page
    assert "Ada Okafor" in page  # nothing typed is lost
    assert not Person.objects.exists()


def test_the_chosen_way_to_contact_needs_its_detail(trust: Trust) -> None:
    response = Client().post(JOIN, answers(trust, contact_by="phone", phone=""))
    assert "Enter your phone number, or choose another way" in response.content.decode()
    assert not Person.objects.exists()


def test_a_repeat_registration_is_not_added_and_the_lead_is_told(
    trust: Trust, client_for: Any
) -> None:
    Client().post(JOIN, answers(trust))
    again = Client().post(JOIN, answers(trust, full_name="Ada O", email="ADA@example.org "))
    # The page says the same either way: it never reveals who is registered.
    assert again.status_code == 302
    assert Person.objects.count() == 1
    ada = Person.objects.get()
    assert ada.repeat_registration_on is not None
    page = client_for("involvement_lead").get(f"/involvement/people/{ada.pk}/")
    assert "Registered again" in page.content.decode()


def test_the_lead_adding_a_duplicate_is_told_who_it_is(trust: Trust) -> None:
    person(trust, full_name="Kit Marsh", contact_by="phone", phone="07700 900123", email="")
    with pytest.raises(ValidationError) as refused:
        actions.register_person(
            acting_user=trust.people["involvement_lead"],
            full_name="Kit M",
            contact_by="phone",
            phone="+44 7700 900123",
            experience="lived",
            consent_scope=["contact"],
        )
    assert "Kit Marsh is already on the register" in str(refused.value)


def test_the_lead_adds_someone_by_phone_on_the_page(trust: Trust, client_for: Any) -> None:
    client = client_for("involvement_lead")
    response = client.post(
        "/involvement/people/new/",
        answers(trust, contact_by="phone", phone="0113 496 0000", email=""),
    )
    ada = Person.objects.get()
    assert response["Location"] == f"/involvement/people/{ada.pk}/"
    assert ada.source == Source.STAFF
    assert "Ada Okafor" in client.get("/involvement/people/").content.decode()


@pytest.mark.parametrize(
    "persona", ["service_lead", "board_member", "governance_lead", "edi_lead", "staff_member"]
)
def test_no_one_but_the_involvement_lead_sees_people(
    trust: Trust, client_for: Any, persona: str
) -> None:
    ada = person(trust)
    user = trust.people[persona]
    assert not queries.people_visible_to(user).exists()
    with pytest.raises(PermissionDenied):
        queries.get_person_for_user(user, ada.pk)
    client = client_for(persona)
    assert client.get("/involvement/people/").status_code == 403
    assert client.get(f"/involvement/people/{ada.pk}/").status_code == 403


def test_a_platform_operator_does_not_see_people(trust: Trust, client: Client) -> None:
    from wellled.core.testing import make_user

    operator = make_user("operator_x", superuser=True)
    ada = person(trust)
    assert not queries.people_visible_to(operator).exists()
    client.force_login(operator)
    assert client.get(f"/involvement/people/{ada.pk}/").status_code == 403


def test_someone_without_the_role_cannot_add_people(trust: Trust) -> None:
    with pytest.raises(PermissionDenied):
        actions.register_person(
            acting_user=trust.people["service_lead"],
            full_name="Lee Park",
            contact_by="email",
            email="lee@example.org",
            experience="lived",
            consent_scope=["contact"],
        )
