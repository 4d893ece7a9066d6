"""Finding 8: an oversized summary was accepted at 1 MB and refused at 5 MB with a
400 naming no field. The summary now has a documented limit (docs/complaints.md,
"Length limits"), and going over it is a message on the summary, page and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wellled.complaints import actions
from wellled.complaints.models import Complaint
from wellled.complaints.tests.test_api import LIST, intake
from wellled.complaints.tests.test_pages import _new

pytestmark = pytest.mark.django_db
TOO_LONG = "a" * (actions.SUMMARY_MAX_LENGTH + 1)
LIMIT = f"{actions.SUMMARY_MAX_LENGTH:,} characters or fewer"


def test_the_page_names_the_limit_on_the_summary_and_keeps_the_rest(trust, client_for) -> None:
    response = client_for("complaints_manager").post(
        reverse("complaints:new"), _new(trust, summary=TOO_LONG)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert LIMIT in page and 'href="#id_summary"' in page
    assert 'value="Alex Rivera"' in page
    assert not Complaint.objects.exists()


def test_the_api_names_the_limit_on_the_summary(trust, api_for) -> None:
    response = api_for("complaints_handler").post(
        LIST, intake(trust, summary=TOO_LONG), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["summary"]
    assert LIMIT in response.json()["summary"][0]


def test_a_summary_at_the_limit_is_kept(trust, api_for) -> None:
    at_limit = "a" * actions.SUMMARY_MAX_LENGTH
    response = api_for("complaints_handler").post(
        LIST, intake(trust, summary=at_limit), format="json"
    )
    assert response.status_code == 201, response.json()
    assert len(Complaint.objects.get().summary) == actions.SUMMARY_MAX_LENGTH


FIVE_MB = "a" * (5 * 1024 * 1024)


def test_a_five_megabyte_summary_on_the_page_is_told_what_was_too_large(trust, client_for) -> None:
    """Django refuses a form over DATA_UPLOAD_MAX_MEMORY_SIZE before any form reads it;
    the answer now says so and names the summary's limit, and nothing is saved."""
    response = client_for("complaints_manager").post(
        reverse("complaints:new"), _new(trust, summary=FIVE_MB)
    )
    page = response.content.decode()
    assert response.status_code == 413
    assert "What you sent was too large" in page
    assert f"up to {actions.SUMMARY_MAX_LENGTH:,} characters" in page
    assert not Complaint.objects.exists()


def test_a_five_megabyte_summary_by_the_api_is_refused_in_json(trust, api_for) -> None:
    response = api_for("complaints_handler").post(
        LIST, intake(trust, summary=FIVE_MB), format="json"
    )
    # Django refuses the body before DRF parses it; the JSON answer says what limit was
    # passed and that text fields have their own (the schema gives the summary's).
    assert response.status_code == 413
    assert "larger than the" in response.json()["detail"]
    assert not Complaint.objects.exists()
