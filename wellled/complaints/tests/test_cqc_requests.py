"""Use case: CQC asks the trust for a summary of its complaints; the complaints manager
records the request, sees its 28-day clock, downloads the summary and records it sent.

Regulation 16(3) of the Health and Social Care Act 2008 (Regulated Activities)
Regulations 2014 (https://www.legislation.gov.uk/uksi/2014/2936/regulation/16): "The
registered person must provide to the Commission, when requested to do so and by no
later than 28 days beginning on the day after receipt of the request, a summary of—
(a) complaints made under such complaints system; (b) responses made by the
registered person to such complaints and any further correspondence with the
complainants in relation to such complaints; and (c) any other relevant information
in relation to such complaints as the Commission may request."
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wellled.complaints import actions, clocks, exports
from wellled.complaints.models import CQCRequest
from wellled.complaints.tests.support import record, to_responded
from wellled.complaints.tests.test_pages import date_parts
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_28_days_begin_on_the_day_after_the_request() -> None:
    """Day 1 is 3 March for a request received on 2 March; day 28 is 30 March."""
    assert clocks.cqc_summary_due(D(2026, 3, 2)) == D(2026, 3, 30)
    # Across a month end and a leap day: calendar days, not working days.
    assert clocks.cqc_summary_due(D(2028, 2, 10)) == D(2028, 3, 9)


def test_a_request_is_recorded_with_its_due_date(trust) -> None:
    made = actions.record_cqc_request(
        acting_user=trust.people["complaints_manager"],
        received_on=D(2026, 3, 2),
        period_start=D(2025, 4, 1),
        period_end=D(2026, 2, 28),
        cqc_reference="INS2-123",
    )
    assert made.due_on == D(2026, 3, 30) and made.sent_on is None
    assert made.recorded_by == trust.people["complaints_manager"]
    sent = actions.record_cqc_summary_sent(
        acting_user=trust.people["complaints_handler"], request=made, sent_on=D(2026, 3, 20)
    )
    assert sent.sent_on == D(2026, 3, 20)
    assert AuditEvent.objects.filter(action="complaints.cqc_summary_sent").count() == 1


def test_a_request_needs_its_dates_in_order(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.record_cqc_request(
            acting_user=trust.people["complaints_manager"],
            received_on=None,
            period_start=D(2026, 2, 1),
            period_end=D(2026, 1, 1),
        )
    errors = caught.value.message_dict
    assert errors["received_on"] == ["Enter the date"]
    assert "before the start of the period" in errors["period_end"][0]


def test_only_the_complaints_team_records_requests(trust) -> None:
    """Denied: a service lead reads complaints but does not manage them."""
    with pytest.raises(PermissionDenied):
        actions.record_cqc_request(
            acting_user=trust.people["service_lead"],
            received_on=D(2026, 3, 2),
            period_start=D(2025, 4, 1),
            period_end=D(2026, 2, 28),
        )
    assert not CQCRequest.objects.exists()


def test_the_summary_has_the_responses_and_further_correspondence(trust) -> None:
    """16(3)(b): responses and any further correspondence with the complainant."""
    manager = trust.people["complaints_manager"]
    case = to_responded(trust, record(trust, received_on=D(2026, 3, 2)))
    holding = actions.draft_letter(acting_user=manager, complaint=case, kind="holding")
    actions.mark_letter_sent(acting_user=manager, letter=holding, sent_on=D(2026, 4, 10))
    sheet = exports.cqc_summary(user=manager, start=D(2026, 3, 1), end=D(2026, 3, 31))
    row = dict(zip(sheet.headers, sheet.rows[0], strict=True))
    assert row["Reference"] == case.reference
    assert row["First response sent"] == D(2026, 4, 2)
    assert row["Letters sent"] == "Final response 02/04/2026; Holding letter 10/04/2026"
    assert row["Further correspondence after the response"] == "Holding letter 10/04/2026"


def test_the_page_records_a_request_and_downloads_its_summary(trust, client_for) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=20))
    client = client_for("complaints_manager")
    url = reverse("complaints:cqc_requests")
    form = {
        **date_parts("received_on", today),
        **date_parts("period_start", today - datetime.timedelta(days=60)),
        **date_parts("period_end", today),
    }
    response = client.post(url, form)
    assert response.status_code == 302
    made = CQCRequest.objects.get()
    assert made.due_on == today + datetime.timedelta(days=28)
    page = client.get(url).content.decode()
    assert f"{made.due_on:%-d %B %Y}" in page
    download = client.get(reverse("complaints:cqc_request_summary", args=[made.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(download.content))
    references = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert references == [case.reference]
    sent = client.post(reverse("complaints:cqc_request_sent", args=[made.pk]))
    assert sent.status_code == 302
    made.refresh_from_db()
    assert made.sent_on == today


def test_the_page_keeps_what_was_typed_when_a_date_is_wrong(trust, client_for) -> None:
    client = client_for("complaints_manager")
    response = client.post(
        reverse("complaints:cqc_requests"),
        {
            **date_parts("received_on", timezone.localdate()),
            **date_parts("period_start", D(2026, 2, 1)),
            **date_parts("period_end", D(2026, 1, 1)),
            "cqc_reference": "INS2-9",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "before the start of the period" in page
    assert "INS2-9" in page and not CQCRequest.objects.exists()


def test_the_page_is_denied_to_service_leads(client_for) -> None:
    assert client_for("service_lead").get(reverse("complaints:cqc_requests")).status_code == 403
