"""Use case: a script sends the API a filter or an id it cannot use.

Every list filter is read through the shared helpers in wellled.core.api, so a
value that is not a whole number, is too large for a 64-bit id, or holds a NUL
character is a 400 naming the parameter, never a 500 from the database (SQLite
cannot bind an integer past 2**63 - 1; PostgreSQL cannot store a NUL in text).
"""

from __future__ import annotations

import pytest

from wellled.core.testing import Trust

TOO_BIG = "99999999999999999999"

# (persona who may list it, list endpoint, whole-number filter)
INTEGER_FILTERS = [
    ("complaints_manager", "/api/v1/learning/shared/", "theme"),
    ("complaints_manager", "/api/v1/learning/shared/", "service"),
    ("governance_lead", "/api/v1/assurance/rounds/", "scope"),
    ("trust_admin", "/api/v1/role-assignments/", "unit"),
    ("trust_admin", "/api/v1/role-assignments/", "user"),
    ("trust_admin", "/api/v1/staff/", "unit"),
    ("trust_admin", "/api/v1/units/", "parent"),
    ("complaints_manager", "/api/v1/complaints/", "handler"),
    ("complaints_manager", "/api/v1/complaints/", "service"),
    ("complaints_manager", "/api/v1/complaints/", "site"),
    ("governance_lead", "/api/v1/actions/", "owner"),
    ("governance_lead", "/api/v1/actions/", "executive"),
    ("governance_lead", "/api/v1/actions/", "care_group"),
    ("edi_lead", "/api/v1/staff-survey/results/", "year"),
]


@pytest.mark.parametrize(("persona", "url", "name"), INTEGER_FILTERS)
def test_a_number_too_large_for_an_id_is_a_400_naming_the_filter(
    trust: Trust, api_for, persona: str, url: str, name: str
) -> None:
    response = api_for(persona).get(url, {name: TOO_BIG})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        name: ["Enter a whole number between -9223372036854775808 and 9223372036854775807."]
    }


@pytest.mark.parametrize(("persona", "url", "name"), INTEGER_FILTERS)
def test_a_filter_that_is_not_a_whole_number_is_a_400(
    trust: Trust, api_for, persona: str, url: str, name: str
) -> None:
    response = api_for(persona).get(url, {name: "1_000"})
    assert response.status_code == 400, response.content
    assert response.json() == {name: ["Enter a whole number."]}


@pytest.mark.parametrize(("persona", "url", "name"), INTEGER_FILTERS)
def test_the_largest_id_is_accepted_and_matches_nothing(
    trust: Trust, api_for, persona: str, url: str, name: str
) -> None:
    response = api_for(persona).get(url, {name: str(2**63 - 1)})
    # An unknown care group is "no such care group"; every other filter matches nothing.
    assert response.status_code == (404 if name == "care_group" else 200), response.content


TEXT_FILTERS = [
    ("complaints_manager", "/api/v1/learning/shared/", "q"),
    ("governance_lead", "/api/v1/assurance/evidence/", "statement"),
    ("governance_lead", "/api/v1/assurance/evidence/", "category"),
    ("edi_lead", "/api/v1/staff-survey/results/", "organisation"),
    ("complaints_manager", "/api/v1/complaints/", "received_from"),
    ("complaints_manager", "/api/v1/complaints/", "status"),
]


@pytest.mark.parametrize(("persona", "url", "name"), TEXT_FILTERS)
def test_a_nul_character_in_a_filter_is_a_400(
    trust: Trust, api_for, persona: str, url: str, name: str
) -> None:
    response = api_for(persona).get(url, {name: "a\x00b"})
    assert response.status_code == 400, response.content
    assert response.json() == {name: ["Remove the NUL (0x00) character."]}


@pytest.mark.parametrize("pk", [TOO_BIG, "-1", "0", "1_0", "٣"])
def test_an_id_in_the_path_that_names_nothing_is_a_json_404(trust: Trust, api_for, pk: str) -> None:
    response = api_for("trust_admin").get(f"/api/v1/units/{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
