"""Roles apply to their unit and everything below it; operators hold all but speak-up content."""

from __future__ import annotations

import pytest

from wellled.organisation import actions
from wellled.organisation.access import ALL, Cap, can, is_privileged, scope_paths
from wellled.organisation.models import Role


@pytest.mark.django_db
def test_a_service_lead_holds_their_capabilities_over_their_service_and_its_teams(
    trust, service_lead
) -> None:
    assert can(service_lead, Cap.VIEW_STAFF, trust.service)
    assert can(service_lead, Cap.VIEW_STAFF, trust.team)
    assert scope_paths(service_lead, Cap.VIEW_STAFF) == (trust.service.path,)


@pytest.mark.django_db
def test_a_service_lead_holds_nothing_over_a_sibling_service_or_the_trust(
    trust, service_lead
) -> None:
    assert not can(service_lead, Cap.VIEW_STAFF, trust.other_service)
    assert not can(service_lead, Cap.VIEW_STAFF, trust.trust)
    assert not can(service_lead, Cap.VIEW_STAFF, trust.site)


@pytest.mark.django_db
def test_an_outsider_holds_no_capability_anywhere(trust, outsider) -> None:
    for capability in Cap:
        assert scope_paths(outsider, capability) == ()
        assert not can(outsider, capability)


@pytest.mark.django_db
def test_an_operator_holds_everything_except_speak_up_case_content(trust, operator) -> None:
    assert scope_paths(operator, Cap.MANAGE_ORGANISATION) == ALL
    assert can(operator, Cap.VIEW_AUDIT, trust.team)
    assert not can(operator, Cap.READ_SPEAKUP_CASES)
    assert not can(operator, Cap.READ_SPEAKUP_CASES, trust.trust)


@pytest.mark.django_db
def test_only_guardians_read_speak_up_cases(trust) -> None:
    readers = {name for name, user in trust.people.items() if can(user, Cap.READ_SPEAKUP_CASES)}
    assert readers == {"guardian"}


@pytest.mark.django_db
def test_overlapping_grants_collapse_to_the_widest_scope(trust, staff_member) -> None:
    actions.grant_role(
        acting_user=None, user=staff_member, role=Role.STAFF_MEMBER, unit=trust.trust
    )
    assert scope_paths(staff_member, Cap.VIEW_HOME) == (trust.trust.path,)


@pytest.mark.django_db
def test_a_role_on_a_closed_unit_grants_nothing(trust, service_lead) -> None:
    actions.set_unit_active(acting_user=None, unit=trust.team, active=False)
    actions.set_unit_active(acting_user=None, unit=trust.service, active=False)
    assert not can(service_lead, Cap.VIEW_STAFF)


@pytest.mark.django_db
def test_revoking_a_role_takes_effect_at_once(trust, service_lead) -> None:
    grant = service_lead.role_assignments.get()
    assert can(service_lead, Cap.VIEW_STAFF)
    actions.revoke_role(acting_user=None, grant=grant)
    assert not can(service_lead, Cap.VIEW_STAFF)


@pytest.mark.django_db
def test_privileged_roles_are_the_ones_that_must_use_two_factor_login(trust) -> None:
    privileged = {name for name, user in trust.people.items() if is_privileged(user)}
    assert "staff_member" not in privileged
    assert "outsider" not in privileged
    assert set(trust.people) - {"staff_member", "outsider"} == privileged
