"""The trust-wide register as a governance lead reads it: overdue first, filters,
the counts and summaries, the export to Excel; who is refused; queries pinned.

Personas: Grace (governance lead), Sam (service lead, the owner), Erin (executive),
Stan (staff member), Olly (outsider).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.improvement.models import Action
from wellled.improvement.tests.builders import an_action, an_overdue_action, finished
from wellled.improvement.tests.support import KIND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_source")]

LIST = reverse("improvement:list")


def _titles(response: object) -> list[str]:
    return [row.action.title for row in response.context["rows"]]  # type: ignore[attr-defined]


def test_grace_sees_overdue_first_with_source_owner_and_lateness(
    trust: Trust, client_for: object
) -> None:
    an_action(trust, title="On time")
    an_overdue_action(trust, late_by=3)
    response = client_for("governance_lead").get(LIST)  # type: ignore[operator]
    assert response.status_code == 200
    assert _titles(response) == ["Late by 3", "On time"]
    page = response.content.decode()
    assert "Overdue 3 days" in page
    assert "Test finding at Community mental health" in page
    assert "Service Lead" in page and "Executive: Executive" in page
    assert "Adult mental health" in page  # the care group
    assert response.context["counts"] == {
        "open": 2,
        "overdue": 1,
        "at_risk": 0,
        "awaiting_sign_off": 0,
    }
    (by_executive, by_source, by_group) = (s for _, _, s in response.context["summaries"])
    assert [(r.label, r.open, r.overdue) for r in by_executive] == [("Executive", 2, 1)]
    assert [(r.label, r.open, r.overdue) for r in by_source] == [("Test finding", 2, 1)]
    assert [(r.label, r.open, r.overdue) for r in by_group] == [("Adult mental health", 2, 1)]


def test_the_filters_narrow_the_register_and_its_counts(trust: Trust, client_for: object) -> None:
    an_action(trust, title="On time")
    an_overdue_action(trust, late_by=3)
    done = finished(trust, an_action(trust, title="Finished"))
    an_action(
        trust,
        title="Ward action",
        source_id=str(trust.other_service.pk),
        owner=trust.people["governance_lead"],
        executive=None,
    )
    client = client_for("governance_lead")  # type: ignore[operator]
    overdue = client.get(LIST, {"state": "overdue"})
    assert _titles(overdue) == ["Late by 3"]
    # The counts cover every state, so the filter does not zero the others.
    assert overdue.context["counts"]["open"] == 3
    assert overdue.context["counts"]["awaiting_sign_off"] == 1
    assert _titles(client.get(LIST, {"state": "awaiting_sign_off"})) == [done.title]
    owned = client.get(LIST, {"owner": trust.people["governance_lead"].pk})
    assert _titles(owned) == ["Ward action"]
    assert _titles(client.get(LIST, {"executive": trust.people["executive"].pk})) == [
        "Late by 3",
        "On time",
        "Finished",
    ]
    assert len(_titles(client.get(LIST, {"source_kind": KIND}))) == 4
    grouped = client.get(LIST, {"care_group": trust.care_group.pk, "state": "open"})
    assert grouped.context["counts"]["open"] == 3


def test_the_export_is_the_filtered_register_as_a_spreadsheet(
    trust: Trust, client_for: object
) -> None:
    from openpyxl import load_workbook

    an_action(trust, title="=HYPERLINK(1)")
    an_overdue_action(trust, late_by=3)
    response = client_for("governance_lead").get(  # type: ignore[operator]
        reverse("improvement:export"), {"state": "open"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Reference", "What will change", "Raised by", "Source", "Owner")
    assert [row[1] for row in rows[1:]] == ["Late by 3", "'=HYPERLINK(1)"]
    assert rows[1][11] == 3  # days overdue
    assert "@" not in repr(rows)  # names only: no email addresses


@pytest.mark.parametrize("persona", ["staff_member", "outsider", "complaints_handler"])
def test_people_without_the_register_are_refused(
    trust: Trust, client_for: object, persona: str
) -> None:
    an_action(trust)
    client = client_for(persona)  # type: ignore[operator]
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("improvement:export")).status_code == 403


def test_sam_sees_only_what_he_may_see(trust: Trust, client_for: object) -> None:
    """A service lead's register: his service's actions, not the ward's."""
    an_action(trust, title="Mine")
    an_action(
        trust,
        title="The ward's",
        source_id=str(trust.other_service.pk),
        owner=trust.people["governance_lead"],
        executive=None,
    )
    assert _titles(client_for("service_lead").get(LIST)) == ["Mine"]  # type: ignore[operator]


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200  # type: ignore[attr-defined]
    return len(captured)


def test_the_register_reads_the_same_number_of_queries_for_1_or_6_actions(
    trust: Trust, client_for: object
) -> None:
    client = client_for("governance_lead")  # type: ignore[operator]
    an_overdue_action(trust)
    client.get(LIST)  # warm the session and the caches
    one = _queries(client, LIST)
    for n in range(5):
        an_action(trust, title=f"Action {n}")
    assert Action.objects.count() == 6
    assert _queries(client, LIST) == one


def test_a_statements_page_in_its_round_lists_its_actions_and_offers_to_raise_one(
    trust: Trust, client_for: Any
) -> None:
    """Each source's own page shows its actions: here a self-assessment statement."""
    from wellled.assurance.models import StatementAssessment
    from wellled.improvement.tests.url_access import sample_action

    action = sample_action(trust)
    assessment = StatementAssessment.objects.get(pk=int(action.source_id))
    url = f"/assurance/rounds/{assessment.round_id}/statements/{assessment.statement_id}/"
    page = client_for("governance_lead").get(url).content.decode()
    assert "Actions on this statement" in page
    assert f'href="/actions/{action.pk}/"' in page
    raise_href = f"/actions/new/?source_kind=assessment_statement&amp;source_id={assessment.pk}"
    assert raise_href in page
    # An auditor reads the action but does not raise one.
    audited = client_for("auditor").get(url).content.decode()
    assert f'href="/actions/{action.pk}/"' in audited and raise_href not in audited
