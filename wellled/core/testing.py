"""Test support shared by the unit, API and browser tests: a small trust and its people.

Everything is created through the real actions, so tests exercise the same
paths as the pages (and the audit trail fills as it would in use).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from wellled.organisation import actions as org
from wellled.organisation.models import GrantStatus, OrgUnit, Role, ServiceLine, Setting, UnitKind

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only


@dataclass
class Trust:
    trust: OrgUnit
    hub: OrgUnit
    site: OrgUnit
    other_site: OrgUnit
    care_group: OrgUnit
    service: OrgUnit
    other_service: OrgUnit
    team: OrgUnit
    people: dict[str, User] = field(default_factory=dict)


# persona name -> (role, which unit of the Trust it is granted on); None: no role.
PERSONAS: dict[str, tuple[str, str] | None] = {
    "trust_admin": (Role.TRUST_ADMIN, "trust"),
    "board_member": (Role.BOARD_MEMBER, "trust"),
    "executive": (Role.EXECUTIVE, "trust"),
    "governance_lead": (Role.GOVERNANCE_LEAD, "trust"),
    "complaints_manager": (Role.COMPLAINTS_MANAGER, "trust"),
    "complaints_handler": (Role.COMPLAINTS_HANDLER, "trust"),
    "service_lead": (Role.SERVICE_LEAD, "service"),
    "guardian": (Role.FTSU_GUARDIAN, "trust"),
    "edi_lead": (Role.EDI_LEAD, "trust"),
    "involvement_lead": (Role.INVOLVEMENT_LEAD, "trust"),
    "staff_member": (Role.STAFF_MEMBER, "team"),
    "auditor": (Role.AUDITOR, "trust"),
    "outsider": None,
}


def make_user(username: str, *, superuser: bool = False) -> User:
    first, _, last = username.replace("_", " ").title().partition(" ")
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.nhs.uk", PASSWORD)
    return User.objects.create_user(
        username, f"{username}@example.nhs.uk", PASSWORD, first_name=first, last_name=last
    )


def build_trust() -> Trust:
    trust = org.create_unit(
        acting_user=None, kind=UnitKind.TRUST, name="Test Community Trust", ods_code="RZZ"
    )
    hub = org.create_unit(acting_user=None, kind=UnitKind.HUB, name="North hub", parent=trust)
    site = org.create_unit(
        acting_user=None, kind=UnitKind.SITE, name="Riverside Centre", parent=hub, ods_code="RZZ01"
    )
    other_site = org.create_unit(
        acting_user=None, kind=UnitKind.SITE, name="Hilltop Clinic", parent=hub, ods_code="RZZ02"
    )
    care_group = org.create_unit(
        acting_user=None, kind=UnitKind.CARE_GROUP, name="Adult mental health", parent=trust
    )
    service = org.create_unit(
        acting_user=None,
        kind=UnitKind.SERVICE,
        name="Community mental health",
        parent=care_group,
        service_line=ServiceLine.MENTAL_HEALTH,
        setting=Setting.COMMUNITY,
    )
    other_service = org.create_unit(
        acting_user=None,
        kind=UnitKind.SERVICE,
        name="Acute inpatient ward",
        parent=care_group,
        service_line=ServiceLine.MENTAL_HEALTH,
        setting=Setting.INPATIENT,
    )
    team = org.create_unit(acting_user=None, kind=UnitKind.TEAM, name="North CMHT", parent=service)
    return Trust(trust, hub, site, other_site, care_group, service, other_service, team)


def add_personas(trust: Trust) -> Trust:
    for name, grant in PERSONAS.items():
        user = make_user(name)
        if grant is not None:
            role, where = grant
            made = org.grant_role(
                acting_user=None, user=user, role=role, unit=getattr(trust, where)
            )
            if made.status == GrantStatus.PENDING:
                # The test trust's guardian holds the role already; their key is
                # approved through the real actions when a test gives them one
                # (wellled.speakup.tests.support.give_key).
                made.status = GrantStatus.ACTIVE
                made.save(update_fields=["status"])
        trust.people[name] = user
    trust.people["operator"] = make_user("operator", superuser=True)
    return trust
