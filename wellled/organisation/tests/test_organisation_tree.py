"""Use case: anyone with a role browses the trust's tree and finds a unit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wellled.core.testing import Trust
from wellled.organisation import actions
from wellled.organisation.models import UnitKind
from wellled.organisation.tests.support import add_staff

TREE = "/organisation/"


@pytest.fixture(autouse=True)
def _second_factor_off(settings) -> None:
    # These tests are about organisation permissions; two-factor login has its own.
    settings.WELLLED_REQUIRE_2FA = False


def _shape(nodes) -> list:
    return [(node.unit.name, node.staff, _shape(node.children)) for node in nodes]


def test_the_tree_nests_places_and_services_under_the_trust(trust: Trust, client_for) -> None:
    add_staff("Ann Able", trust.team)
    add_staff("Bob Baker", trust.team)
    add_staff("Cat Cole", trust.site)
    add_staff("Dan Dee (left)", trust.site)
    actions.set_staff_active(
        acting_user=None, profile=trust.site.staff.get(full_name="Dan Dee (left)"), active=False
    )
    response = client_for("staff_member").get(TREE)
    assert response.status_code == 200
    assert _shape(response.context["roots"]) == [
        (
            "Test Community Trust",
            3,
            [
                (
                    "North hub",
                    1,
                    [("Hilltop Clinic", 0, []), ("Riverside Centre", 1, [])],
                ),
                (
                    "Adult mental health",
                    2,
                    [
                        ("Acute inpatient ward", 0, []),
                        ("Community mental health", 2, [("North CMHT", 2, [])]),
                    ],
                ),
            ],
        )
    ]
    html = response.content.decode()
    for unit in (trust.trust, trust.hub, trust.site, trust.care_group, trust.team):
        assert f'href="/organisation/units/{unit.pk}/"' in html


def test_staff_counts_take_the_same_queries_however_big_the_tree(trust: Trust, client_for) -> None:
    client = client_for("trust_admin")
    client.get(TREE)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        client.get(TREE)
    for number in range(6):
        site = actions.create_unit(
            acting_user=None, kind=UnitKind.SITE, name=f"Extra site {number}", parent=trust.hub
        )
        add_staff(f"Person {number}", site)
    with CaptureQueriesContext(connection) as big:
        response = client.get(TREE)
    assert response.status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
    assert _shape(response.context["roots"])[0][1] == 6


def test_filter_by_kind_lists_only_that_kind(trust: Trust, client_for) -> None:
    response = client_for("board_member").get(TREE, {"kind": "site"})
    names = [match["unit"].name for match in response.context["matches"]]
    assert names == ["Hilltop Clinic", "Riverside Centre"]
    assert response.context["matches"][0]["parent"] == "North hub"


def test_search_by_name_ignores_case(trust: Trust, client_for) -> None:
    response = client_for("board_member").get(TREE, {"q": "RIVER"})
    assert [match["unit"] for match in response.context["matches"]] == [trust.site]


def test_closed_units_are_hidden_unless_asked_for(trust: Trust, client_for) -> None:
    actions.set_unit_active(acting_user=None, unit=trust.other_site, active=False)
    client = client_for("board_member")
    default = client.get(TREE, {"kind": "site"})
    assert [m["unit"] for m in default.context["matches"]] == [trust.site]
    shown = client.get(TREE, {"kind": "site", "closed": "on"})
    assert [m["unit"] for m in shown.context["matches"]] == [trust.other_site, trust.site]
    assert "Closed" in shown.content.decode()


def test_someone_without_a_role_is_refused(trust: Trust, client_for) -> None:
    assert client_for("outsider").get(TREE).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get(TREE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
