"""A guardian finds a case in their caseload by its reference or the service it is
about, sorts it by the week received, and sees at a glance which cases are overdue
(issue 15). Nothing new is stored: the flag is worked out from the dates kept."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from wellled.core.models import AuditEvent
from wellled.speakup.models import Case, CaseAction, Status
from wellled.speakup.queries import caseload
from wellled.speakup.tests.support import anonymous_concern, unlocked_client

pytestmark = pytest.mark.django_db
URL = "/speak-up/guardian/"


def _monday(weeks_ago: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 7 * weeks_ago)


def _case(weeks_ago: int, **fields: Any) -> Case:
    case = anonymous_concern().case
    # Test set-up: a case received that many weeks ago (the form dates it this week).
    Case.objects.filter(pk=case.pk).update(received_week=_monday(weeks_ago), **fields)
    return Case.objects.get(pk=case.pk)


def _references(client: Client, **query: str) -> list[str]:
    response = client.get(URL, query)
    assert response.status_code == 200
    return [row.case.reference for row in response.context["rows"]]


def test_a_guardian_sorts_by_the_week_received_either_way(trust: Any, guardian: Any) -> None:
    client = unlocked_client(Client(), guardian)
    old, middle, new = _case(6), _case(3), _case(0)
    expected = [new.reference, middle.reference, old.reference]
    assert _references(client, sort="received") == expected
    assert _references(client, sort="received_oldest") == expected[::-1]


def test_a_guardian_finds_a_case_by_reference_or_service(trust: Any, guardian: Any) -> None:
    client = unlocked_client(Client(), guardian)
    wanted = _case(1, unit=trust.service)
    other = _case(1)
    assert _references(client, q=wanted.reference.lower()) == [wanted.reference]
    assert _references(client, q=trust.service.name[:6]) == [wanted.reference]
    assert other.reference not in _references(client, q="no such service")
    page = client.get(URL, {"q": "no such service"}).content.decode()
    assert "No cases match your search." in page
    # The page keeps the search and sort in its links to the next page.
    for _ in range(25):
        _case(2, unit=trust.service)
    page = client.get(URL, {"q": trust.service.name, "sort": "received"}).content.decode()
    assert re.search(r'href="\?status=open&amp;q=[^"]+&amp;sort=received&amp;page=2"', page)


def test_overdue_cases_are_flagged_and_can_come_first(trust: Any, guardian: Any) -> None:
    client = unlocked_client(Client(), guardian)
    fresh = _case(0)
    untriaged = _case(2)  # received two weeks ago, still waiting for triage
    follow_up = _case(0, status=Status.IN_PROGRESS, detriment_follow_up_due=_monday(1))
    acted = _case(0, status=Status.IN_PROGRESS)
    CaseAction.objects.create(
        case=acted, sealed_description=b"x", sealed_owner=b"x", due=_monday(1)
    )  # test set-up: a sealed action past its date
    closed = _case(5, status=Status.CLOSED, detriment_follow_up_due=_monday(3))
    flags = {
        c.reference: getattr(c, "is_overdue", None) for c in caseload(guardian, status="all")[0]
    }
    assert flags == {
        fresh.reference: False,
        untriaged.reference: True,
        follow_up.reference: True,
        acted.reference: True,
        closed.reference: False,
    }
    first = _references(client, sort="overdue")[:3]
    assert set(first) == {untriaged.reference, follow_up.reference, acted.reference}
    page = client.get(URL).content.decode()
    assert page.count('nhsuk-tag--red">Overdue</strong> ') == 3 + 1  # three rows and the key


def test_searching_records_nothing_new(trust: Any, guardian: Any) -> None:
    client = unlocked_client(Client(), guardian)
    case = _case(1)
    before = AuditEvent.objects.count()
    client.get(URL, {"q": case.reference, "sort": "overdue"})
    # The one event is the caseload look that every visit records, with no search term.
    [event] = AuditEvent.objects.all()[: AuditEvent.objects.count() - before]
    assert event.action == "speakup.caseload_viewed"
    assert "sort" not in str(event.after) and "overdue" not in str(event.after)


@pytest.mark.parametrize("persona", ["governance_lead", "complaints_manager", "staff_member"])
def test_only_guardians_reach_the_caseload_search(
    trust: Any, client_for: Any, persona: str
) -> None:
    case = _case(1)
    response = client_for(persona).get(URL, {"q": case.reference})
    assert response.status_code in (302, 403, 404)
    assert case.reference not in response.content.decode()


def test_a_search_too_long_is_explained(trust: Any, guardian: Any) -> None:
    client = unlocked_client(Client(), guardian)
    page = client.get(URL, {"q": "x" * 101}).content.decode()
    assert "Search must be 100 characters or fewer" in page
