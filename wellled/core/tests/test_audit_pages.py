"""Governance leads, auditors and operators search the audit trail and check its chain."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wellled.core import audit
from wellled.core.audit_views import PAGE_SIZE, Change, changes, events_visible_to, page_of
from wellled.core.models import AuditEvent, Job
from wellled.core.testing import Trust, make_user
from wellled.core.tests.audit_tampering import allow_tampering
from wellled.organisation import actions as org
from wellled.organisation.models import Role

LIST = reverse("core:audit_list")


def _record(action: str = "test.thing", **kwargs: Any) -> AuditEvent:
    with transaction.atomic():
        return audit.record(acting_user=kwargs.pop("acting_user", None), action=action, **kwargs)


def _seqs(response: Any) -> list[int]:
    return [int(seq) for seq in re.findall(r'href="/audit/(\d+)/"', response.content.decode())]


# --- Who may read the trail --------------------------------------------------


@pytest.mark.parametrize("persona", ["governance_lead", "auditor", "operator"])
def test_audit_readers_see_the_trail(client_for: Any, persona: str) -> None:
    event = _record("test.visible", object_repr="Seen by readers")
    response = client_for(persona).get(LIST)
    assert response.status_code == 200
    assert "Seen by readers" in response.content.decode()
    assert _seqs(response)[0] == event.seq


@pytest.mark.parametrize("persona", ["service_lead", "guardian", "outsider", "trust_admin"])
def test_everyone_else_is_refused(client_for: Any, persona: str) -> None:
    event = _record()
    client = client_for(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("core:audit_detail", args=[event.seq])).status_code == 403
    assert client.post(reverse("core:audit_verify")).status_code == 403
    assert not Job.objects.exists()


def test_a_governance_lead_for_one_service_is_refused(client: Any, trust: Trust) -> None:
    # The trail covers the whole trust, so a grant lower down is not enough.
    lead = make_user("service_governance_lead")
    org.grant_role(acting_user=None, user=lead, role=Role.GOVERNANCE_LEAD, unit=trust.service)
    client.force_login(lead)
    assert client.get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client: Any, trust: Trust) -> None:
    event = _record()
    for url in (LIST, reverse("core:audit_detail", args=[event.seq])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("core:audit_verify"))
    assert response.status_code == 302
    assert not Job.objects.exists()


def test_the_menu_shows_the_trail_only_to_its_readers(client_for: Any) -> None:
    assert f'href="{LIST}"' in client_for("auditor").get(reverse("core:home")).content.decode()
    page = client_for("service_lead").get(reverse("core:home")).content.decode()
    assert f'href="{LIST}"' not in page


# --- Searching ---------------------------------------------------------------


def test_filters_narrow_the_events(client_for: Any, trust: Trust) -> None:
    alice = trust.people["trust_admin"]
    wanted = _record(
        "closure_day.added", acting_user=alice, object_type="core.closureday", object_id="7"
    )
    _record("closure_day.removed", object_type="core.closureday", object_id="8")
    _record("organisation.unit.created", acting_user=alice, object_type="organisation.orgunit")
    client = client_for("governance_lead")

    def seqs(**query: str) -> list[int]:
        response = client.get(LIST, query)
        assert response.status_code == 200
        return [seq for seq in _seqs(response) if seq >= wanted.seq]

    assert seqs(action="closure_day.") == [wanted.seq + 1, wanted.seq]
    assert seqs(action="closure_day.added") == [wanted.seq]
    assert seqs(object_type="core.closureday", object_id="7") == [wanted.seq]
    assert seqs(actor="trust_admin") == [wanted.seq + 2, wanted.seq]
    assert seqs(actor="nobody") == []


def test_events_can_be_found_by_request_id(client_for: Any) -> None:
    client = client_for("governance_lead")
    client.get(LIST)  # a request that writes nothing
    response = client_for("operator").get(LIST, HTTP_X_REQUEST_ID="req-0123456789abcdef")
    # The operator's own access is audited with the request's id.
    access = AuditEvent.objects.get(request_id="req-0123456789abcdef")
    assert access.action == "operator.access"
    response = client.get(LIST, {"request_id": "req-0123456789abcdef"})
    assert _seqs(response) == [access.seq]
    assert response.status_code == 200


def test_a_date_range_includes_whole_days(client_for: Any) -> None:
    event = _record("test.dated")
    today = timezone.localdate()
    client = client_for("governance_lead")

    def found(start: datetime.date | None, end: datetime.date | None) -> bool:
        query: dict[str, str] = {"action": "test.dated"}
        for name, day in (("date_from", start), ("date_to", end)):
            if day is not None:
                query.update(
                    {f"{name}_day": str(day.day), f"{name}_month": str(day.month)}
                    | {f"{name}_year": str(day.year)}
                )
        response = client.get(LIST, query)
        assert response.status_code == 200
        return event.seq in _seqs(response)

    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    assert found(today, today)
    assert found(yesterday, None)
    assert found(None, today)
    assert not found(tomorrow, None)
    assert not found(None, yesterday)


def test_a_bad_date_is_explained_and_the_search_is_kept(client_for: Any) -> None:
    _record("test.kept")
    response = client_for("governance_lead").get(
        LIST,
        {
            "action": "test.kept",
            "date_from_day": "31",
            "date_from_month": "2",
            "date_from_year": "2026",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "From date must be a real date" in page
    assert 'value="test.kept"' in page
    assert _seqs(response) == []


def test_a_to_date_before_the_from_date_is_refused(client_for: Any) -> None:
    response = client_for("governance_lead").get(
        LIST,
        {
            "date_from_day": "2",
            "date_from_month": "3",
            "date_from_year": "2026",
            "date_to_day": "1",
            "date_to_month": "3",
            "date_to_year": "2026",
        },
    )
    assert "To date must be the same as or after the from date" in response.content.decode()


# --- Pages of events ---------------------------------------------------------


def test_events_come_fifty_to_a_page_newest_first(client_for: Any) -> None:
    for i in range(PAGE_SIZE * 2 + 5):
        _record("test.paged", object_id=str(i))
    client = client_for("governance_lead")
    first = client.get(LIST, {"action": "test.paged"})
    first_seqs = _seqs(first)
    assert len(first_seqs) == PAGE_SIZE
    assert first_seqs == sorted(first_seqs, reverse=True)
    assert "Newer events" not in first.content.decode()

    older = re.search(r'href="(\?[^"]*before=\d+[^"]*)"', first.content.decode())
    assert older is not None
    second = client.get(LIST + older.group(1).replace("&amp;", "&"))
    second_seqs = _seqs(second)
    assert len(second_seqs) == PAGE_SIZE
    assert second_seqs[0] == first_seqs[-1] - 1

    older = re.search(r'href="(\?[^"]*before=\d+[^"]*)"', second.content.decode())
    assert older is not None
    third = client.get(LIST + older.group(1).replace("&amp;", "&"))
    assert len(_seqs(third)) == 5
    assert "Older events" not in third.content.decode()

    newer = re.search(r'href="(\?[^"]*after=\d+[^"]*)"', third.content.decode())
    assert newer is not None
    back = client.get(LIST + newer.group(1).replace("&amp;", "&"))
    assert _seqs(back) == second_seqs


def test_a_page_is_one_query(trust: Trust, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        _record("test.one_query", acting_user=trust.people["trust_admin"])
    reader = trust.people["governance_lead"]
    events = events_visible_to(reader).filter(action="test.one_query")
    with django_assert_num_queries(1):
        page = page_of(events, before=None, after=None)
        # The actor came with the events.
        names = [event.actor.get_full_name() for event in page.events if event.actor]
    assert names == ["Trust Admin"] * 3


def test_the_page_does_not_query_per_event(client_for: Any, trust: Trust) -> None:
    client = client_for("governance_lead")
    admin = trust.people["trust_admin"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"action": "test.n"}).status_code == 200
        return len(captured)

    _record("test.n", acting_user=admin)
    few = queries()
    for _ in range(30):
        _record("test.n", acting_user=admin)
    assert queries() == few


# --- What an event shows -----------------------------------------------------


def test_changes_show_only_what_changed() -> None:
    assert changes({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": [1]}) == [
        Change("b", "x", "y"),
        Change("c", None, "[1]"),
    ]
    assert [c.field for c in changes(None, {"name": "Ward 7"})] == ["name"]
    assert [(c.before, c.after) for c in changes({"name": "Ward 7"}, None)] == [("Ward 7", None)]
    assert changes(None, None) == []


def test_everything_an_event_holds_is_escaped(client_for: Any) -> None:
    event = _record(
        "test.<b>bold</b>",
        object_repr="<script>alert('repr')</script>",
        before={"<i>key</i>": "<img src=x onerror=alert(1)>"},
        after={"<i>key</i>": {"nested": "<script>alert('after')</script>"}},
    )
    client = client_for("governance_lead")
    for url in (LIST, reverse("core:audit_detail", args=[event.seq])):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<i>key</i>" not in page
        assert "&lt;script&gt;alert(&#x27;repr&#x27;)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_speak_up_details_are_hidden_from_non_guardians(client_for: Any, trust: Trust) -> None:
    event = _record(
        "speakup.case.updated",
        object_type="speakup.case",
        object_id="12",
        object_repr="Case: the night manager",
        after={"summary": "Concern about the night manager"},
    )
    for persona in ("governance_lead", "operator"):
        page = client_for(persona).get(LIST).content.decode()
        assert "Concern about the night manager" not in page
        assert "the night manager" not in page
        assert "speakup.case 12" in page
        assert "Details hidden" in page
        detail = client_for(persona).get(reverse("core:audit_detail", args=[event.seq]))
        assert "Concern about the night manager" not in detail.content.decode()
    # A guardian who is also an auditor may see them.
    guardian = trust.people["guardian"]
    org.grant_role(acting_user=None, user=guardian, role=Role.AUDITOR, unit=trust.trust)
    page = client_for("guardian").get(LIST).content.decode()
    assert "Concern about the night manager" in page


def test_the_event_page_shows_its_hashes(client_for: Any) -> None:
    event = _record("test.detail", after={"reason": "Bank holiday"})
    response = client_for("auditor").get(reverse("core:audit_detail", args=[event.seq]))
    page = response.content.decode()
    assert response.status_code == 200
    assert event.hash in page
    assert event.prev_hash in page
    assert "The hash matches the event's contents" in page
    assert "Bank holiday" in page


def test_the_event_page_flags_an_edited_event(client_for: Any) -> None:
    event = _record("test.detail", after={"reason": "Bank holiday"})
    allow_tampering()
    AuditEvent.objects.filter(pk=event.pk).update(after={"reason": "Something else"})
    page = client_for("auditor").get(reverse("core:audit_detail", args=[event.seq]))
    assert "this event has been edited since it was written" in page.content.decode()


def test_a_missing_event_is_not_found(client_for: Any) -> None:
    response = client_for("auditor").get(reverse("core:audit_detail", args=[999999]))
    assert response.status_code == 404


# --- Checking the chain ------------------------------------------------------


def test_verifying_an_intact_chain_reports_its_head(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _record("test.verify")
    client = client_for("governance_lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:audit_verify"))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job", args=[job.id])
    assert job.kind == "core.verify_audit"
    assert job.status == Job.Status.SUCCEEDED
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None
    page = client.get(response["Location"]).content.decode()
    assert "The audit trail is intact" in page
    assert head.hash in page
    assert job.result["head_hash"] == head.hash


def test_verifying_a_tampered_chain_lists_the_problems(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("auditor")
    first = _record("test.verify", after={"i": 1})
    _record("test.verify", after={"i": 2})
    allow_tampering()
    AuditEvent.objects.filter(pk=first.pk).update(after={"i": 100})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:audit_verify"))
    page = client.get(response["Location"]).content.decode()
    assert "The audit trail has been tampered with: 1 problem found" in page
    assert f"event #{first.seq} (test.verify, " in page
    assert "has been edited since it was written" in page
    assert '<th scope="col" class="nhsuk-table__header">Event</th>' in page


def test_verifying_needs_a_post(client_for: Any) -> None:
    assert client_for("governance_lead").get(reverse("core:audit_verify")).status_code == 405
