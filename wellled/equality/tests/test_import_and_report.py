"""Use case: the EDI lead imports a year's counts and reads WRES with intervals and flags;
board members read it; nobody else does, and bad files store nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wellled.core.models import AuditEvent
from wellled.equality.models import EqualityFigure, EqualityYear
from wellled.equality.tests.support import COUNTS, store_year

pytestmark = pytest.mark.django_db

# 2025: the targeted recruitment action worked (2.00 -> 1.12); BME harassment from the
# public rose from 25% to 35%.
LATER = (
    COUNTS.replace("appointed,white,600", "appointed,white,560")
    .replace("shortlisted,bme,800", "shortlisted,bme,900")
    .replace("appointed,bme,120", "appointed,bme,225")
    .replace("survey_5_positive,bme,100", "survey_5_positive,bme,140")
)


def upload(client, text: str, year: int = 2025, replace: bool = False):
    data = {
        "standard": "WRES",
        "year": str(year),
        "file": SimpleUploadedFile("wres.csv", text.encode(), content_type="text/csv"),
    }
    if replace:
        data["replace"] = "on"
    return client.post(reverse("equality:import"), data)


def test_edi_lead_imports_a_year_and_sees_the_change_since_last_year(client_for) -> None:
    store_year(2024)
    client = client_for("edi_lead")
    response = upload(client, LATER)
    assert response.status_code == 302
    assert response["Location"] == reverse("equality:report", args=["WRES", 2025])
    page = client.get(response["Location"]).content.decode()
    assert "<strong>1.12</strong>" in page  # indicator 2, White / BME appointed
    assert "Improved since last year" in page
    assert "Worse than last year" in page  # indicator 5 for BME staff
    assert "fewer than 11 responses, not shown" in page  # indicator 8, 9 BME responses
    assert "White: no figures" in page  # indicator 8 has no White figures in the file
    assert "40 with no recorded group left out" in page
    event = AuditEvent.objects.get(action="equality.year_imported", object_repr="WRES 2025")
    assert (event.after or {})["appointed/bme"] == 225


def test_every_bad_row_is_shown_and_nothing_is_stored(client_for) -> None:
    bad = COUNTS + "appointed,unknown,41\nhired,bme,3\n"
    response = upload(client_for("edi_lead"), bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Row 17: 41 appointed for unknown is more than the 40 shortlisted" in page
    assert "Row 18: unknown measure &#x27;hired&#x27;" in page
    assert not EqualityYear.objects.exists() and not EqualityFigure.objects.exists()


def test_a_year_already_held_is_replaced_only_when_asked_and_the_old_is_audited(
    client_for,
) -> None:
    store_year(2025)
    client = client_for("edi_lead")
    refused = upload(client, LATER)
    assert "WRES 2025 is already imported: tick the box to replace it" in refused.content.decode()
    assert EqualityFigure.objects.get(measure="appointed", group="bme").count == 120
    assert upload(client, LATER, replace=True).status_code == 302
    assert EqualityFigure.objects.get(measure="appointed", group="bme").count == 225
    replaced = AuditEvent.objects.filter(action="equality.year_imported").order_by("seq").last()
    assert replaced is not None and (replaced.before or {})["appointed/bme"] == 120


def test_board_member_reads_the_report_but_cannot_import(client_for) -> None:
    store_year(2024)
    client = client_for("board_member")
    index = client.get(reverse("equality:index")).content.decode()
    assert "WRES 2024" in index and "Import a year" not in index
    page = client.get(reverse("equality:report", args=["WRES", 2024])).content.decode()
    assert "<strong>2.00</strong>" in page and "Outside the band" in page
    assert client.get(reverse("equality:import")).status_code == 403
    assert upload(client, LATER).status_code == 403
    assert not EqualityYear.objects.filter(year=2025).exists()


@pytest.mark.parametrize("persona", ["staff_member", "complaints_handler", "guardian"])
def test_people_without_the_capability_see_nothing(client_for, persona: str) -> None:
    store_year(2024)
    client = client_for(persona)
    assert client.get(reverse("equality:index")).status_code == 403
    assert client.get(reverse("equality:report", args=["WRES", 2024])).status_code == 403


def test_a_year_not_held_is_not_found(client_for) -> None:
    client = client_for("edi_lead")
    assert client.get(reverse("equality:report", args=["WDES", 2024])).status_code == 404
