"""Errors get NHS-styled pages that say what happened and what to do, and keep nothing half-done."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_a_clear_page_and_changes_nothing(
    trust,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.people["trust_admin"])
    before = User.objects.count()
    response = client.post(
        "/organisation/people/add/",
        {"username": "new.person", "first_name": "New", "last_name": "Person"},
    )
    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content
    assert b"Nothing you entered has been saved" in response.content
    assert User.objects.count() == before


@pytest.mark.django_db
def test_a_missing_page_gets_the_nhs_not_found_page(trust, client_for) -> None:
    response = client_for("staff_member").get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"nhsuk-header" in response.content


@pytest.mark.django_db
def test_a_refused_page_says_why_and_what_to_do(trust, client_for) -> None:
    response = client_for("staff_member").get("/organisation/people/")
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content
    assert b"ask your trust administrator" in response.content


def test_the_server_error_page_renders_without_the_database() -> None:
    # No database marker: the 500 page must not query, since the database may be what failed.
    from django.test import RequestFactory

    from wellled.core.views import error_500

    response = error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
