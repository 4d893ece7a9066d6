"""Finding cases on the caseload: search, every status, sort, and filters people save.

Personas: Chris, the complaints handler, looks for a caller's case by whatever they
quote (a reference, a name, an NHS number); Sam, the service lead, searches only the
cases about their own service; Morgan, the complaints manager, saves the filters
they use every week.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from wellled.complaints import actions
from wellled.complaints.models import Complaint, SavedCaseloadFilter
from wellled.complaints.queries import caseload
from wellled.complaints.tests.support import complainant, record, to_responded
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/complaints/"
API = "/api/v1/complaints/"


def _cases(trust: Any) -> dict[str, Complaint]:
    """Three cases: a patient with an NHS number, another service, a closed one."""
    cases = {
        "nhs": record(
            trust,
            summary="The ward discharged my mother without her tablets.",
            complainant=complainant(
                full_name="Jordan Ellis",
                relationship="Son",
                representative_basis="authorised",
                consent_status="given",
                consent_evidence="Signed form on file",
            ),
            patient=actions.PatientDetails(full_name="Pat Ellis", nhs_number="943 476 5919"),
        ),
        "other_service": record(
            trust,
            service=trust.other_service,
            summary="Nobody answered the phone on the ward.",
            complainant=complainant(full_name="Robin Ellis"),
        ),
        "closed": record(trust, complainant=complainant(full_name="Alex Moss")),
    }
    responded = to_responded(trust, cases["closed"], outcome="not_upheld")
    cases["closed"] = actions.close(
        acting_user=trust.people["complaints_manager"], complaint=responded
    )
    return cases


def _references(page: str) -> set[str]:
    return set(re.findall(r">([CP]-\d{4}-\d{5})</a>", page))


def test_a_handler_finds_a_case_by_what_the_caller_quotes(trust, client_for) -> None:
    cases = _cases(trust)
    client = client_for("complaints_handler")
    nhs, other = cases["nhs"].reference, cases["other_service"].reference

    def found(q: str, **more: str) -> set[str]:
        return _references(client.get(LIST, {"q": q, **more}).content.decode())

    assert found(nhs) == {nhs}
    assert found(nhs.lower()) == {nhs}
    assert found(nhs.rsplit("-", 1)[1]) == {nhs}  # the number people read out: "00001"
    assert found("jordan ELLIS") == {nhs}  # the complainant's name, any case
    assert found("Pat Ellis") == {nhs}  # the patient's name
    assert found("Ellis") == {nhs, other}
    # The NHS number as people write it: spaces, dashes or none.
    for typed in ("943 476 5919", "943-476-5919", "9434765919", " 943 4765 919 "):
        assert found(typed) == {nhs}, typed
    assert found("discharged tablets") == {nhs}  # words from the summary, in any order
    assert found("tablets phone") == set()  # every word must match
    assert found("nobody-called-this") == set()


def test_closed_and_responded_cases_are_listed_by_status(trust, client_for) -> None:
    cases = _cases(trust)
    client = client_for("complaints_handler")
    closed = cases["closed"].reference

    default = client.get(LIST).content.decode()
    assert closed not in _references(default) and "2 open cases" in default
    page = client.get(LIST, {"status": "closed"}).content.decode()
    assert _references(page) == {closed} and "1 closed case" in page
    everything = client.get(LIST, {"status": "any"}).content.decode()
    assert _references(everything) == {c.reference for c in cases.values()}
    # Search and status together: a closed case found by its complainant's name.
    assert _references(client.get(LIST, {"q": "moss", "status": "any"}).content.decode()) == {
        closed
    }


def test_a_status_that_does_not_exist_is_explained_beside_the_field(trust, client_for) -> None:
    cases = _cases(trust)
    response = client_for("complaints_handler").get(LIST, {"status": "lost", "q": "Pat"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a status from the list" in page and 'id="id_status_error"' in page
    # What was valid still runs: the search, over the open cases.
    assert _references(page) == {cases["nhs"].reference}


def test_columns_sort_both_ways_and_say_so_to_screen_readers(trust, client_for) -> None:
    cases = _cases(trust)
    client = client_for("complaints_handler")
    open_refs = sorted(c.reference for k, c in cases.items() if k != "closed")

    page = client.get(LIST, {"ordering": "reference", "q": "Ellis"}).content.decode()
    assert re.findall(r">(C-\d{4}-\d{5})</a>", page) == open_refs
    assert 'aria-sort="ascending"' in page
    # The header links keep the search and offer the other direction.
    assert "?q=Ellis&amp;ordering=-reference" in page
    page = client.get(LIST, {"ordering": "-reference", "q": "Ellis"}).content.decode()
    assert re.findall(r">(C-\d{4}-\d{5})</a>", page) == open_refs[::-1]
    assert 'aria-sort="descending"' in page
    # By default the received date sorts, newest first.
    assert 'aria-sort="descending"' in client.get(LIST).content.decode()


def test_a_service_lead_searches_only_their_services_cases(trust, client_for) -> None:
    cases = _cases(trust)
    page = client_for("service_lead").get(LIST, {"q": "Ellis"}).content.decode()
    assert _references(page) == {cases["nhs"].reference}


def test_the_api_lists_through_the_same_search_status_and_sort(trust, api_for) -> None:
    cases = _cases(trust)
    api = api_for("complaints_handler")

    def refs(**params: str) -> list[str]:
        response = api.get(API, params)
        assert response.status_code == 200, response.json()
        return [row["reference"] for row in response.json()["results"]]

    assert refs(q="943-476-5919") == [cases["nhs"].reference]
    assert refs(status="closed") == [cases["closed"].reference]
    assert refs(q="ellis", ordering="reference") == sorted(
        [cases["nhs"].reference, cases["other_service"].reference]
    )
    # The page and the API read one function.
    user = trust.people["complaints_handler"]
    assert refs(q="ellis") == [c.reference for c in caseload(user, q="ellis", status="any")]
    bad = api.get(API, {"ordering": "summary"})
    assert bad.status_code == 400 and "ordering" in bad.json()
    assert api.get(API, {"q": "x" * 201}).status_code == 400


def test_a_manager_saves_a_filter_and_picks_it_again(trust, client_for) -> None:
    cases = _cases(trust)
    client = client_for("complaints_manager")
    response = client.post(
        reverse("complaints:saved_filter_save"),
        {"name": "Ellis family", "query": "q=Ellis&status=any&page=3&evil=1"},
    )
    assert response.status_code == 302
    saved = SavedCaseloadFilter.objects.get()
    assert saved.query == "q=Ellis&status=any"  # the page and unknown keys are dropped
    assert response["Location"] == f"{LIST}?q=Ellis&status=any"
    page = client.get(LIST).content.decode()
    assert f'href="{LIST}?q=Ellis&amp;status=any">Ellis family</a>' in page
    assert _references(client.get(response["Location"]).content.decode()) == {
        cases["nhs"].reference,
        cases["other_service"].reference,
    }
    # The same name replaces it; the audit trail holds no search text nor name.
    client.post(reverse("complaints:saved_filter_save"), {"name": "Ellis family", "query": "q=Pat"})
    assert SavedCaseloadFilter.objects.get().query == "q=Pat"
    event = AuditEvent.objects.filter(action="complaint.caseload_filter_saved").last()
    assert event is not None and event.after == {"has_search": True}
    assert "Pat" not in str(event.after) and "Ellis" not in event.object_repr


def test_saving_without_a_name_or_filter_says_what_to_do(trust, client_for) -> None:
    client = client_for("complaints_manager")
    url = reverse("complaints:saved_filter_save")
    page = client.post(url, {"name": "", "query": "q=Ellis"}).content.decode()
    assert "Enter a name for the filter" in page and 'value="q=Ellis"' in page
    page = client.post(url, {"name": "Everything", "query": ""}).content.decode()
    assert "Search or filter the caseload first, then save it" in page
    assert not SavedCaseloadFilter.objects.exists()


def test_saved_filters_are_their_owners_alone(trust, client_for) -> None:
    morgan = trust.people["complaints_manager"]
    saved = actions.save_caseload_filter(acting_user=morgan, name="Mine", query="status=closed")
    client = client_for("complaints_handler")
    assert "Mine" not in client.get(LIST).content.decode()
    delete = reverse("complaints:saved_filter_delete", args=[saved.pk])
    assert client.post(delete).status_code == 404
    assert SavedCaseloadFilter.objects.filter(pk=saved.pk).exists()
    # Someone without the caseload cannot save one.
    outsider = client_for("staff_member")
    response = outsider.post(reverse("complaints:saved_filter_save"), {"name": "x", "query": "q=a"})
    assert response.status_code == 403
    owner = client_for("complaints_manager")
    assert owner.post(delete).status_code == 302
    assert not SavedCaseloadFilter.objects.exists()
