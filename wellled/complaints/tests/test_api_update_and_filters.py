"""PATCH /api/v1/complaints/<id>/ through the actions, and the list's filters."""

from __future__ import annotations

import datetime

import pytest

from wellled.complaints.models import Complaint
from wellled.complaints.tests.support import record
from wellled.complaints.tests.test_api import LIST, detail, intake
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date


def test_creating_returns_the_clocks(trust, api_for) -> None:
    response = api_for("complaints_handler").post(LIST, intake(trust), format="json")
    assert response.status_code == 201
    body = response.json()
    for key in (
        "id",
        "reference",
        "received_on",
        "acknowledgement_due",
        "response_due",
        "backstop_due",
    ):
        assert key in body
    assert body["response_due"] is None and body["backstop_due"] == "2026-09-05"


def test_a_handler_patches_the_handler_and_summary(trust, api_for) -> None:
    case = record(trust)
    manager = trust.people["complaints_manager"]
    response = api_for("complaints_handler").patch(
        detail(case), {"handler": manager.pk, "summary": "Call-back never came"}, format="json"
    )
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.handler == manager and case.summary == "Call-back never came"
    assert AuditEvent.objects.filter(action="complaint.handler_assigned").exists()
    assert AuditEvent.objects.filter(action="complaint.summary_edited").exists()


def test_a_patch_is_refused_with_a_clear_message_and_changes_nothing(trust, api_for) -> None:
    case = record(trust)
    response = api_for("complaints_handler").patch(
        detail(case), {"event_date": "2026-03-05", "aware_date": "2026-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert "aware" in str(response.json())
    case.refresh_from_db()
    assert case.event_date is None and case.aware_date is None
    response = api_for("complaints_handler").patch(
        detail(case), {"handler": trust.people["outsider"].pk}, format="json"
    )
    assert response.status_code == 400
    assert Complaint.objects.get(pk=case.pk).handler == trust.people["complaints_handler"]


def test_a_service_lead_cannot_patch(trust, api_for) -> None:
    case = record(trust)
    response = api_for("service_lead").patch(detail(case), {"summary": "x"}, format="json")
    assert response.status_code == 403
    assert Complaint.objects.get(pk=case.pk).summary != "x"


def test_the_list_filters_by_kind_channel_handler_and_dates(trust, api_for) -> None:
    a = record(trust, received_on=D(2026, 1, 5), channel="email")
    b = record(trust, received_on=D(2026, 2, 5), kind="pals")
    client = api_for("complaints_manager")

    def refs(query: str) -> list[str]:
        return [row["reference"] for row in client.get(f"{LIST}?{query}").json()["results"]]

    assert refs("kind=pals") == [b.reference]
    assert refs("channel=email") == [a.reference]
    assert refs("received_from=2026-02-01") == [b.reference]
    assert refs("received_to=2026-01-31") == [a.reference]
    assert set(refs(f"handler={trust.people['complaints_handler'].pk}")) == {
        a.reference,
        b.reference,
    }
    assert client.get(f"{LIST}?received_from=soon").status_code == 400
