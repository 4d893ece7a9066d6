"""The trust's organisation tree, its staff and who holds which role where.

One table, `OrgUnit`, holds every node: the trust at the root, then hubs and
sites (where care happens) and care groups, services and teams (who delivers it).
Roles are granted on a node and apply to everything below it, which the
materialised `path` makes a single prefix query. See docs/decisions/0003.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    TRUST = "trust", "Trust"
    HUB = "hub", "Hub"
    SITE = "site", "Site"
    CARE_GROUP = "care_group", "Care group"
    SERVICE = "service", "Service"
    TEAM = "team", "Team"


# Which kinds may sit directly under which. Anything else is refused, which also
# keeps the tree shallow and readable.
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    UnitKind.TRUST: (),
    UnitKind.HUB: (UnitKind.TRUST,),
    UnitKind.SITE: (UnitKind.HUB, UnitKind.TRUST),
    UnitKind.CARE_GROUP: (UnitKind.TRUST,),
    UnitKind.SERVICE: (UnitKind.CARE_GROUP, UnitKind.TRUST),
    UnitKind.TEAM: (UnitKind.SERVICE,),
}


class ServiceLine(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    SPECIALIST = "specialist", "Specialist"
    NEURO_REHABILITATION = "neuro_rehabilitation", "Neuro-rehabilitation"


class Setting(models.TextChoices):
    COMMUNITY = "community", "Community"
    INPATIENT = "inpatient", "Inpatient"


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def active(self) -> OrgUnitQuerySet:
        return self.filter(is_active=True)

    def of_kind(self, *kinds: str) -> OrgUnitQuerySet:
        return self.filter(kind__in=kinds)

    def within(self, *paths: str) -> OrgUnitQuerySet:
        """Units at or below any of the given paths."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class OrgUnit(models.Model):
    kind = models.CharField(max_length=20, choices=UnitKind.choices)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<root id>/<child id>/.../<own id>/", kept by the actions that move units.
    path = models.CharField(max_length=500, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The organisation's ODS code for the trust, the ODS site code for a site.
    ods_code = models.CharField(max_length=10, null=True, blank=True, unique=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    service_line = models.CharField(max_length=30, choices=ServiceLine.choices, blank=True)
    setting = models.CharField(max_length=20, choices=Setting.choices, blank=True)
    # Sites where a service or team is delivered, for services spread across sites.
    sites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="delivered_services"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "kind", "name"], name="unique_unit_name_within_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)


class StaffProfile(models.Model):
    """A member of staff, whether or not they have a wellled login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profile",
    )
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    # Optional ESR assignment number or similar, unique when present.
    staff_number = models.CharField(max_length=30, null=True, blank=True, unique=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="staff")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Role(models.TextChoices):
    TRUST_ADMIN = "trust_admin", "Trust administrator"
    BOARD_MEMBER = "board_member", "Board member"
    EXECUTIVE = "executive", "Executive"
    GOVERNANCE_LEAD = "governance_lead", "Governance lead"
    COMPLAINTS_MANAGER = "complaints_manager", "Complaints manager"
    COMPLAINTS_HANDLER = "complaints_handler", "Complaints handler"
    SERVICE_LEAD = "service_lead", "Service lead"
    FTSU_GUARDIAN = "ftsu_guardian", "Freedom to Speak Up guardian"
    FTSU_EXECUTIVE_LEAD = "ftsu_executive_lead", "Executive lead for Freedom to Speak Up"
    EDI_LEAD = "edi_lead", "EDI lead"
    INVOLVEMENT_LEAD = "involvement_lead", "Involvement lead"
    STAFF_MEMBER = "staff_member", "Staff member"
    AUDITOR = "auditor", "Read-only auditor"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    # Granted, but holding no capability until approved by the people the role's
    # module names (a speak-up guardian: an existing guardian; see wellled/speakup).
    PENDING = "pending", "Pending approval"


# Roles whose grants start pending. The approval itself belongs to the module.
ROLES_NEEDING_APPROVAL: frozenset[str] = frozenset({Role.FTSU_GUARDIAN})


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="role_assignments")
    granted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_role_grant"),
        ]

    def __str__(self) -> str:
        pending = " (pending approval)" if self.status == GrantStatus.PENDING else ""
        return f"{self.get_role_display()} at {self.unit}{pending}"
