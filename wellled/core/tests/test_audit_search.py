"""A governance lead finds a case's history on the audit trail by its reference, or
what one person did by their name, and reads it in a table that fits the page
(issue 15: the search took only internal ids; the table ran off a 1,280 px window)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.organisation import actions as org
from wellled.organisation.models import Role

pytestmark = pytest.mark.django_db
LIST = reverse("core:audit_list")


def _record(action: str, **kwargs: Any) -> AuditEvent:
    with transaction.atomic():
        return audit.record(acting_user=kwargs.pop("acting_user", None), action=action, **kwargs)


def _found(client: Any, **query: str) -> set[int]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return {int(s) for s in re.findall(r'href="/audit/(\d+)/"', response.content.decode())}


def test_a_complaints_history_is_found_by_its_reference(client_for: Any) -> None:
    recorded = _record(
        "complaint.recorded",
        object_type="complaints.complaint",
        object_id="41",
        object_repr="C-2026-00142",
    )
    acknowledged = _record(
        "complaint.acknowledged",
        object_type="complaints.complaint",
        object_id="41",
        object_repr="C-2026-00142",
    )
    other = _record(
        "complaint.recorded",
        object_type="complaints.complaint",
        object_id="42",
        object_repr="C-2026-00143",
    )
    client = client_for("governance_lead")
    assert _found(client, reference="C-2026-00142") == {recorded.seq, acknowledged.seq}
    # Part of it, in any case, finds it too.
    assert _found(client, reference="c-2026-0014") >= {recorded.seq, other.seq}
    assert _found(client, reference="C-2099") == set()


def test_what_one_person_did_is_found_by_their_name_or_username(
    client_for: Any, trust: Trust
) -> None:
    admin = trust.people["trust_admin"]
    admin.first_name, admin.last_name = "Priya", "Natarajan"
    admin.save()  # test set-up of a login's name, as an administrator would
    theirs = _record("closure_day.added", acting_user=admin)
    _record("closure_day.removed", acting_user=trust.people["governance_lead"])
    client = client_for("auditor")
    assert _found(client, actor="Priya Natarajan") == {theirs.seq}
    assert _found(client, actor="natarajan") == {theirs.seq}
    assert _found(client, actor="trust_admin") == {theirs.seq}
    assert _found(client, actor="Nobody Here") == set()


def test_hidden_speak_up_labels_cannot_be_searched_by_those_who_may_not_read_them(
    client_for: Any, trust: Trust
) -> None:
    hidden = _record(
        "speakup.case.updated",
        object_type="speakup.case",
        object_id="12",
        object_repr="Case: the night manager",
    )
    for persona in ("governance_lead", "operator"):
        # A match would tell them what the hidden label says.
        assert _found(client_for(persona), reference="night manager") == set()
    guardian = trust.people["guardian"]
    org.grant_role(acting_user=None, user=guardian, role=Role.AUDITOR, unit=trust.trust)
    assert _found(client_for("guardian"), reference="night manager") == {hidden.seq}


def test_searching_is_refused_to_those_who_may_not_read_the_trail(client_for: Any) -> None:
    _record("complaint.recorded", object_repr="C-2026-00142")
    for persona in ("complaints_manager", "service_lead", "staff_member"):
        assert client_for(persona).get(LIST, {"reference": "C-2026"}).status_code == 403


def test_a_reference_too_long_is_explained(client_for: Any) -> None:
    page = client_for("governance_lead").get(LIST, {"reference": "x" * 201}).content.decode()
    assert "Reference or name must be 200 characters or fewer" in page
    assert "Correct the search above" in page


def test_the_table_keeps_to_the_page_and_shows_the_request_id_with_the_event(
    client_for: Any,
) -> None:
    client = client_for("governance_lead")
    _record("test.thing", object_repr="A" * 200)
    # An operator's look is audited, with their request's id.
    client_for("operator").get(LIST, HTTP_X_REQUEST_ID="req-fedcba9876543210")
    page = client.get(LIST).content.decode()
    assert 'class="nhsuk-table-responsive wellled-table-fit"' in page
    # Six columns: the request id sits under the event's number, not in a column of its own.
    assert len(re.findall(r'<th scope="col"', page)) == 6
    assert not re.search(r"<th[^>]*>Request id</th>", page)
    assert 'Request <span class="wellled-mono">req-fedcba9876543210</span>' in page
