"""Use case: a trust administrator adds, edits, moves and closes units in the app."""

from __future__ import annotations

import pytest

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.organisation import actions
from wellled.organisation.models import OrgUnit, ServiceLine, Setting, UnitKind
from wellled.organisation.tests.support import error_texts

DENIED = ["service_lead", "staff_member", "outsider"]


@pytest.fixture(autouse=True)
def _second_factor_off(settings) -> None:
    settings.WELLLED_REQUIRE_2FA = False


def _url(unit: OrgUnit, action: str = "") -> str:
    return f"/organisation/units/{unit.pk}/{action + '/' if action else ''}"


def test_an_admin_sees_the_management_buttons(trust: Trust, client_for) -> None:
    html = client_for("trust_admin").get(_url(trust.service)).content.decode()
    for action in ("edit", "move", "close", "add"):
        assert f'href="{_url(trust.service, action)}"' in html
    assert "Roles held here" in html


def test_others_see_the_unit_without_the_buttons(trust: Trust, client_for) -> None:
    response = client_for("staff_member").get(_url(trust.service))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Community mental health" in html
    assert "Mental health" in html and "Community" in html
    assert _url(trust.service, "edit") not in html
    # A staff member cannot see who holds which role.
    assert "Roles held here" not in html


def test_a_unit_page_lists_roles_held_there_and_sites(trust: Trust, client_for) -> None:
    actions.set_unit_sites(acting_user=None, unit=trust.service, sites=[trust.site])
    html = client_for("service_lead").get(_url(trust.service)).content.decode()
    assert "Service lead" in html and "Service Lead" in html  # the role, and the holder's name
    assert "Riverside Centre" in html
    site_page = client_for("service_lead").get(_url(trust.site)).content.decode()
    assert "Services delivered here" in site_page and "Community mental health" in site_page


def test_admin_adds_a_site_under_a_hub(trust: Trust, client_for) -> None:
    client = client_for("trust_admin")
    form_page = client.get(_url(trust.hub, "add"))
    # A hub holds only sites, so the form comes straight away.
    assert form_page.status_code == 200
    assert "Add a site to North hub" in form_page.content.decode()
    response = client.post(
        _url(trust.hub, "add"),
        {"name": "Lakeside Clinic", "ods_code": "rzz09", "address": "1 Lake Road", "postcode": ""},
    )
    site = OrgUnit.objects.get(name="Lakeside Clinic")
    assert response.status_code == 302
    assert response["Location"] == _url(site)
    assert (site.kind, site.parent, site.ods_code) == (UnitKind.SITE, trust.hub, "RZZ09")
    assert site.path == f"{trust.hub.path}{site.pk}/"
    event = AuditEvent.objects.get(action="unit.created", object_id=str(site.pk))
    assert event.actor == trust.people["trust_admin"]


def test_under_the_trust_the_admin_chooses_the_kind_first(trust: Trust, client_for) -> None:
    client = client_for("trust_admin")
    choose = client.get(_url(trust.trust, "add"))
    assert [value for value, _ in choose.context["form"].fields["kind"].choices] == [
        "hub",
        "site",
        "care_group",
        "service",
    ]
    client.post(_url(trust.trust, "add") + "?kind=care_group", {"name": "Children's services"})
    assert OrgUnit.objects.get(name="Children's services").kind == UnitKind.CARE_GROUP


def test_admin_adds_a_service_delivered_at_sites(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        _url(trust.care_group, "add"),
        {
            "name": "Memory service",
            "service_line": ServiceLine.MENTAL_HEALTH,
            "setting": Setting.COMMUNITY,
            "sites": [trust.site.pk, trust.other_site.pk],
        },
    )
    assert response.status_code == 302
    service = OrgUnit.objects.get(name="Memory service")
    assert set(service.sites.all()) == {trust.site, trust.other_site}


def test_a_service_without_its_service_line_is_refused_on_that_field(
    trust: Trust, client_for
) -> None:
    response = client_for("trust_admin").post(
        _url(trust.care_group, "add"), {"name": "Memory service", "setting": Setting.COMMUNITY}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["service_line"] == ["Choose the service line"]
    assert "There is a problem" in response.content.decode()
    assert not OrgUnit.objects.filter(name="Memory service").exists()


def test_an_ods_code_in_use_is_refused_and_the_form_keeps_its_values(
    trust: Trust, client_for
) -> None:
    response = client_for("trust_admin").post(
        _url(trust.hub, "add"), {"name": "Lakeside Clinic", "ods_code": "RZZ01"}
    )
    assert response.context["form"].errors["ods_code"] == [
        "ODS code RZZ01 is already used by Riverside Centre"
    ]
    assert 'value="Lakeside Clinic"' in response.content.decode()


def test_admin_edits_a_unit(trust: Trust, client_for) -> None:
    client = client_for("trust_admin")
    form = client.get(_url(trust.site, "edit")).context["form"]
    assert form.initial["ods_code"] == "RZZ01"
    response = client.post(
        _url(trust.site, "edit"),
        {"name": "Riverside Health Centre", "ods_code": "RZZ01", "postcode": "ab1 2cd"},
    )
    assert response.status_code == 302
    trust.site.refresh_from_db()
    assert (trust.site.name, trust.site.postcode) == ("Riverside Health Centre", "AB1 2CD")
    event = AuditEvent.objects.get(action="unit.updated", object_id=str(trust.site.pk))
    assert event.before == {"name": "Riverside Centre", "postcode": ""}


def test_admin_moves_a_service_and_its_teams_follow(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        _url(trust.service, "move"), {"parent": trust.trust.pk}
    )
    assert response.status_code == 302
    trust.service.refresh_from_db()
    trust.team.refresh_from_db()
    assert trust.service.parent == trust.trust
    assert trust.service.path == f"{trust.trust.path}{trust.service.pk}/"
    assert trust.team.path == f"{trust.service.path}{trust.team.pk}/"


def test_a_move_under_its_own_descendant_is_refused_as_a_loop(trust: Trust, client_for) -> None:
    old_path = trust.care_group.path
    response = client_for("trust_admin").post(
        _url(trust.care_group, "move"), {"parent": trust.service.pk}
    )
    assert response.status_code == 200
    assert "would make a loop" in " ".join(response.context["form"].errors["parent"])
    trust.care_group.refresh_from_db()
    assert trust.care_group.path == old_path


def test_a_move_under_the_wrong_kind_of_unit_is_explained(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        _url(trust.site, "move"), {"parent": trust.care_group.pk}
    )
    assert "A site must sit under a hub or trust" in error_texts(response)


def test_admin_closes_and_reopens_a_team(trust: Trust, client_for) -> None:
    client = client_for("trust_admin")
    assert client.post(_url(trust.team, "close")).status_code == 302
    trust.team.refresh_from_db()
    assert not trust.team.is_active
    assert client.post(_url(trust.team, "reopen")).status_code == 302
    trust.team.refresh_from_db()
    assert trust.team.is_active


def test_a_unit_with_open_units_under_it_cannot_be_closed(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(_url(trust.service, "close"))
    assert response.status_code == 200
    assert "Close the units under Community mental health" in error_texts(response)
    trust.service.refresh_from_db()
    assert trust.service.is_active


def test_the_trust_itself_cannot_be_closed(trust: Trust, client_for) -> None:
    actions.set_unit_active(acting_user=None, unit=trust.team, active=False)
    client = client_for("trust_admin")
    assert "cannot be closed" in client.get(_url(trust.trust, "close")).content.decode()
    client.post(_url(trust.trust, "close"))
    trust.trust.refresh_from_db()
    assert trust.trust.is_active


@pytest.mark.parametrize("persona", DENIED)
@pytest.mark.parametrize("action", ["add", "edit", "move", "close"])
def test_only_admins_manage_units(trust: Trust, client_for, persona: str, action: str) -> None:
    client = client_for(persona)
    assert client.get(_url(trust.service, action)).status_code == 403
    before = OrgUnit.objects.count()
    assert client.post(_url(trust.service, action), {"name": "Hijacked"}).status_code == 403
    assert OrgUnit.objects.count() == before
    trust.service.refresh_from_db()
    assert trust.service.name == "Community mental health" and trust.service.is_active


@pytest.mark.parametrize("persona", DENIED)
def test_only_admins_reopen_units(trust: Trust, client_for, persona: str) -> None:
    actions.set_unit_active(acting_user=None, unit=trust.team, active=False)
    assert client_for(persona).post(_url(trust.team, "reopen")).status_code == 403
    trust.team.refresh_from_db()
    assert not trust.team.is_active


@pytest.mark.parametrize("action", ["", "add", "edit", "move", "close"])
def test_anonymous_visitors_are_sent_to_log_in(trust: Trust, client, action: str) -> None:
    response = client.get(_url(trust.service, action))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
