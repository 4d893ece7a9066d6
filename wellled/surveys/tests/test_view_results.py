"""Use case: leaders and guardians read the trust's staff survey results, on pages and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.surveys.tests.support import store_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(trust: Trust) -> None:
    store_results(2022, {"RZZ": {"safe_to_speak_up": 57.0}, "ZZA": {"safe_to_speak_up": 60.0}})
    store_results(
        2023,
        {
            "RZZ": {"safe_to_speak_up": 59.5, "burnout": 30.2},
            "ZZA": {"safe_to_speak_up": 62.0, "burnout": 28.0},
            "ZZB": {"safe_to_speak_up": 64.0, "burnout": 35.0},
        },
    )


def test_board_member_sees_the_trusts_results_by_year(client_for, results: None) -> None:
    page = client_for("board_member").get(reverse("surveys:index")).content.decode()
    assert "Safe to speak up about anything" in page
    assert "57.0" in page and "59.5" in page
    assert "62.0" not in page  # another organisation's value is not the trust's


def test_a_years_page_compares_with_the_median(client_for, results: None) -> None:
    page = client_for("edi_lead").get(reverse("surveys:year", args=[2023])).content.decode()
    assert "q25e" in page
    assert "59.5" in page
    assert "62.0" in page  # the median of 59.5, 62 and 64
    assert "+2.5" in page  # change from 2022


def test_a_year_without_results_is_not_found(client_for, results: None) -> None:
    assert client_for("guardian").get(reverse("surveys:year", args=[2019])).status_code == 404


@pytest.mark.parametrize(
    "persona", ["staff_member", "complaints_handler", "trust_admin", "outsider"]
)
def test_people_without_the_capability_are_refused(client_for, results: None, persona: str) -> None:
    client = client_for(persona)
    assert client.get(reverse("surveys:index")).status_code == 403
    assert client.get(reverse("surveys:year", args=[2023])).status_code == 403


def test_api_lists_the_trusts_results_filtered_by_year_and_measure(api_for, results: None) -> None:
    api = api_for("auditor")
    url = reverse("survey-result-list")
    body = api.get(url).json()
    assert body["count"] == 3
    assert {r["organisation_code"] for r in body["results"]} == {"RZZ"}
    body = api.get(url, {"year": 2023, "measure": "safe_to_speak_up"}).json()
    assert [(r["year"], r["value"], r["question_code"]) for r in body["results"]] == [
        (2023, 59.5, "q25e")
    ]
    every = api.get(url, {"organisation": "all", "year": 2023}).json()
    assert every["count"] == 6
    assert api.get(url, {"measure": "nonsense"}).status_code == 400
    assert api.get(url, {"year": "last"}).status_code == 400


def test_api_refuses_those_without_the_capability(api_for, results: None) -> None:
    assert api_for("staff_member").get(reverse("survey-result-list")).status_code == 403
