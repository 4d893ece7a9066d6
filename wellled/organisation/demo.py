"""The fictional demo trust that `wellled demo` (and so `make run`) loads.

Wellford Community and Mental Health NHS Foundation Trust does not exist. Its
shape follows a real community and mental health trust in England: about 4,500
staff, four hubs, some 56 sites, six care groups and services in all five
service lines, community and inpatient. Every place, site, ward and person is
made up, and the ODS codes use the unissued "RZZ" prefix.

Loading happens in two steps so that determinism can be tested without a second
database: `plan_demo(seed)` is a pure function returning everything to write,
and `build_demo(plan)` writes it through the organisation actions in one
transaction. `fingerprint_plan` and `fingerprint_database` describe the same
data the same way, so a test can check that the database holds exactly the plan.
"""

from __future__ import annotations

import csv
import functools
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from wellled.organisation import actions as org
from wellled.organisation.models import (
    OrgUnit,
    Role,
    RoleAssignment,
    ServiceLine,
    Setting,
    StaffProfile,
    UnitKind,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_SEED = 2025
DEFAULT_STAFF = 4500
TRUST_NAME = "Wellford Community and Mental Health NHS Foundation Trust"
# "RZZ" is not an issued trust code (checked against the ODS extract in
# shared/external-data); the test trust in wellled.core.testing uses it too.
TRUST_ODS = "RZZ"
# One password for every demo login, printed by the command. Demo only.
DEMO_PASSWORD = "wellford-demo-2025"  # noqa: S105
# The .example top-level domain is reserved (RFC 2606): no mail can reach anyone.
EMAIL_DOMAIN = "wellford.example"
# Share of staff in corporate services (finance, HR, estates, digital...), who
# sit at the trust itself rather than in a clinical team.
CORPORATE_SHARE = 0.15
HUBS = ("Wellford", "Caldermoor", "Fennmere", "Ravensholt")
# Inward codes use the letters Royal Mail allows in the last two places.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_MH, _PH = ServiceLine.MENTAL_HEALTH, ServiceLine.PHYSICAL_HEALTH
_LD = ServiceLine.LEARNING_DISABILITY
_SPEC, _NEURO = ServiceLine.SPECIALIST, ServiceLine.NEURO_REHABILITATION
_COMM, _INP = Setting.COMMUNITY, Setting.INPATIENT


@dataclass(frozen=True)
class _TeamTemplate:
    # "{hub}" in the name makes one team per hub, at that hub's sites tagged
    # `where`; otherwise `where` is either a tag (any hub) or site codes.
    name: str
    where: str
    size: int


@dataclass(frozen=True)
class _ServiceTemplate:
    care_group: str
    name: str
    service_line: str
    setting: str
    pool: str
    teams: tuple[_TeamTemplate, ...]


def _t(name: str, where: str, size: int) -> _TeamTemplate:
    return _TeamTemplate(name, where, size)


_AMH = "Adult and older people's mental health"
_CYP = "Children, young people and families"
_ACH = "Adult community health and integrated care"
_LDA = "Learning disability and autism"
_SPS = "Specialist services"
_NRS = "Neuro-rehabilitation and stroke"

CARE_GROUPS = (_AMH, _CYP, _ACH, _LDA, _SPS, _NRS)

# Sizes are relative weights: the staff count is shared out in proportion.
# fmt: off
SERVICES: tuple[_ServiceTemplate, ...] = (
    _ServiceTemplate(_AMH, "Adult community mental health", _MH, _COMM, "mh_community", (
        _t("{hub} adult community mental health team", "mh", 40),
    )),
    _ServiceTemplate(_AMH, "Crisis resolution and home treatment", _MH, _COMM, "mh_community", (
        _t("{hub} crisis resolution and home treatment team", "mh", 30),
    )),
    _ServiceTemplate(_AMH, "Early intervention in psychosis", _MH, _COMM, "mh_community", (
        _t("{hub} early intervention in psychosis team", "mh", 18),
    )),
    _ServiceTemplate(_AMH, "Older people's community mental health", _MH, _COMM, "mh_community", (
        _t("{hub} older people's community mental health team", "mh", 24),
        _t("{hub} memory assessment service", "mh", 12),
    )),
    _ServiceTemplate(_AMH, "NHS Talking Therapies", _MH, _COMM, "talking_therapies", (
        _t("{hub} NHS Talking Therapies team", "talking", 40),
    )),
    _ServiceTemplate(_AMH, "Adult acute mental health wards", _MH, _INP, "mh_inpatient", (
        _t("Heron Ward", "RZZ02", 48),
        _t("Kestrel Ward", "RZZ02", 48),
        _t("Skylark Ward", "RZZ02", 48),
        _t("Curlew Ward", "RZZ43", 48),
    )),
    _ServiceTemplate(_AMH, "Psychiatric intensive care unit", _MH, _INP, "mh_inpatient", (
        _t("Osprey Ward", "RZZ02", 55),
    )),
    _ServiceTemplate(_AMH, "Older people's mental health wards", _MH, _INP, "mh_inpatient", (
        _t("Rowan Ward", "RZZ43", 45),
        _t("Hazel Ward", "RZZ43", 45),
    )),
    _ServiceTemplate(_AMH, "Mental health rehabilitation unit", _MH, _INP, "mh_inpatient", (
        _t("Fellbeck Ward", "RZZ24", 32),
    )),
    _ServiceTemplate(_CYP, "Children and young people's mental health", _MH, _COMM, "camhs", (
        _t("{hub} children and young people's mental health team", "children", 28),
    )),
    _ServiceTemplate(_CYP, "Adolescent mental health inpatient unit", _MH, _INP, "mh_inpatient", (
        _t("Bluebell Ward", "RZZ04", 45),
    )),
    _ServiceTemplate(_CYP, "Perinatal mental health", _MH, _COMM, "mh_community", (
        _t("{hub} perinatal mental health team", "mh", 12),
    )),
    _ServiceTemplate(_CYP, "Health visiting", _PH, _COMM, "children", (
        _t("{hub} health visiting team", "children", 40),
    )),
    _ServiceTemplate(_CYP, "School nursing", _PH, _COMM, "children", (
        _t("{hub} school nursing team", "children", 18),
    )),
    _ServiceTemplate(_CYP, "Children's community therapies", _PH, _COMM, "children", (
        _t("Children's speech and language therapy team", "children", 25),
        _t("Children's occupational therapy and physiotherapy team", "children", 20),
    )),
    _ServiceTemplate(_ACH, "Community nursing", _PH, _COMM, "ph_community", (
        _t("Wellford North community nursing team", "RZZ08", 30),
        _t("Wellford South community nursing team", "RZZ10", 30),
        _t("Wellford East community nursing team", "RZZ09", 30),
        _t("Wellford West community nursing team", "RZZ14", 30),
        _t("Caldermoor community nursing team", "RZZ17", 30),
        _t("Harrowmere community nursing team", "RZZ18 RZZ26", 30),
        _t("Pendlecross community nursing team", "RZZ21 RZZ22", 30),
        _t("Ketterwell and Upper Rookby community nursing team", "RZZ27 RZZ28", 30),
        _t("Fennmere community nursing team", "RZZ30 RZZ35", 30),
        _t("Eastwold community nursing team", "RZZ33", 30),
        _t("Oxholme and Reedby community nursing team", "RZZ40 RZZ32", 30),
        _t("Tidewell community nursing team", "RZZ38 RZZ41", 30),
        _t("Ravensholt community nursing team", "RZZ47 RZZ48", 30),
        _t("Swanmere community nursing team", "RZZ49", 30),
        _t("Kingsholt community nursing team", "RZZ50", 30),
        _t("Brackenhurst community nursing team", "RZZ53 RZZ55", 30),
    )),
    _ServiceTemplate(_ACH, "Rapid response and admission avoidance", _PH, _COMM, "ph_community", (
        _t("{hub} rapid response team", "health", 22),
    )),
    _ServiceTemplate(_ACH, "Adult community therapies", _PH, _COMM, "ph_community", (
        _t("{hub} community therapy team", "health", 18),
    )),
    _ServiceTemplate(_ACH, "Minor injuries units", _PH, _COMM, "ph_community", (
        _t("Caldermoor minor injuries unit", "RZZ15", 18),
        _t("Fennmere minor injuries unit", "RZZ29", 18),
    )),
    _ServiceTemplate(_ACH, "Musculoskeletal physiotherapy", _PH, _COMM, "ph_community", (
        _t("{hub} musculoskeletal physiotherapy team", "health", 14),
    )),
    _ServiceTemplate(_ACH, "Community hospital wards", _PH, _INP, "ph_inpatient", (
        _t("Primrose Ward", "RZZ03", 40),
        _t("Foxglove Ward", "RZZ15", 40),
        _t("Meadowsweet Ward", "RZZ29", 40),
        _t("Clover Ward", "RZZ29", 40),
    )),
    _ServiceTemplate(_LDA, "Community learning disability", _LD, _COMM, "ld_community", (
        _t("{hub} community learning disability team", "resource", 24),
    )),
    _ServiceTemplate(_LDA, "Learning disability intensive support", _LD, _COMM, "ld_community", (
        _t("Wellford and Caldermoor intensive support team", "RZZ13 RZZ23", 16),
        _t("Fennmere and Ravensholt intensive support team", "RZZ34 RZZ51", 16),
    )),
    _ServiceTemplate(_LDA, "Learning disability assessment and treatment unit", _LD, _INP,
                     "ld_inpatient", (
        _t("Sorrel Ward", "RZZ05", 40),
    )),
    _ServiceTemplate(_SPS, "Community eating disorders", _SPEC, _COMM, "specialist_community", (
        _t("Adult community eating disorders team", "RZZ06 RZZ54", 18),
        _t("Children and young people's eating disorders team", "RZZ11 RZZ52", 14),
    )),
    _ServiceTemplate(_SPS, "Adult eating disorders inpatient unit", _SPEC, _INP,
                     "specialist_inpatient", (
        _t("Harebell Ward", "RZZ44", 40),
    )),
    _ServiceTemplate(_SPS, "Mother and baby unit", _SPEC, _INP, "specialist_inpatient", (
        _t("Meadowcroft Ward", "RZZ45", 30),
    )),
    _ServiceTemplate(_SPS, "Low secure forensic mental health", _SPEC, _INP,
                     "specialist_inpatient", (
        _t("Copperbeech Ward", "RZZ46", 45),
        _t("Whitebeam Ward", "RZZ46", 45),
    )),
    _ServiceTemplate(_SPS, "Community forensic mental health", _SPEC, _COMM,
                     "specialist_community", (
        _t("Community forensic mental health team", "RZZ06 RZZ56", 15),
    )),
    _ServiceTemplate(_SPS, "Adult autism and ADHD assessment", _SPEC, _COMM,
                     "specialist_community", (
        _t("Adult autism and ADHD assessment team", "talking", 20),
    )),
    _ServiceTemplate(_SPS, "Specialist community nursing", _SPEC, _COMM, "specialist_community", (
        _t("Diabetes specialist nursing team", "health", 12),
        _t("Tissue viability team", "health", 10),
        _t("Continence service", "health", 10),
        _t("Heart failure nursing team", "health", 8),
    )),
    _ServiceTemplate(_SPS, "Specialist palliative care", _SPEC, _COMM, "specialist_community", (
        _t("{hub} specialist palliative care team", "health", 12),
    )),
    _ServiceTemplate(_NRS, "Neuro-rehabilitation inpatient unit", _NEURO, _INP,
                     "neuro_inpatient", (
        _t("Heatherfield Ward", "RZZ16", 45),
        _t("Aster Ward", "RZZ16", 40),
    )),
    _ServiceTemplate(_NRS, "Stroke rehabilitation ward", _NEURO, _INP, "neuro_inpatient", (
        _t("Bramble Ward", "RZZ03", 40),
    )),
    _ServiceTemplate(_NRS, "Community neuro-rehabilitation", _NEURO, _COMM, "neuro_community", (
        _t("{hub} community neuro-rehabilitation team", "neuro", 18),
    )),
    _ServiceTemplate(_NRS, "Stroke early supported discharge", _NEURO, _COMM, "neuro_community", (
        _t("{hub} stroke early supported discharge team", "neuro", 14),
    )),
)
# fmt: on


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    full_name: str
    job_title: str
    # Names below the trust of the unit the role is granted on; () is the trust.
    scope: tuple[str, ...] = ()


_PERSONA_SERVICE = (_AMH, "Adult community mental health")
_PERSONA_TEAM = (*_PERSONA_SERVICE, "Wellford adult community mental health team")

PERSONAS: tuple[Persona, ...] = (
    Persona("admin", Role.TRUST_ADMIN, "Alex Morgan", "Head of Digital Services"),
    Persona("board", Role.BOARD_MEMBER, "Margaret Ellison", "Non-executive Director"),
    Persona("executive", Role.EXECUTIVE, "Rachel Whitcombe", "Chief Nurse"),
    Persona("governance", Role.GOVERNANCE_LEAD, "Tom Barraclough", "Head of Quality Governance"),
    Persona(
        "complaints.manager",
        Role.COMPLAINTS_MANAGER,
        "Nadia Hussain",
        "Patient Experience and Complaints Manager",
    ),
    Persona("complaints.handler", Role.COMPLAINTS_HANDLER, "Jamie Clarke", "Complaints Officer"),
    Persona("service.lead", Role.SERVICE_LEAD, "Grace Mensah", "Service Manager", _PERSONA_SERVICE),
    Persona("guardian", Role.FTSU_GUARDIAN, "Chris Lowe", "Freedom to Speak Up Guardian"),
    Persona("edi", Role.EDI_LEAD, "Anita Sharma", "Head of Equality, Diversity and Inclusion"),
    Persona(
        "involvement",
        Role.INVOLVEMENT_LEAD,
        "Owen Pritchard",
        "Head of Patient and Carer Involvement",
    ),
    Persona(
        "staff", Role.STAFF_MEMBER, "Sam Taylor", "Community Mental Health Nurse", _PERSONA_TEAM
    ),
    Persona("auditor", Role.AUDITOR, "Fiona Reid", "Internal Auditor"),
)
# Trust-wide roles a persona holds besides their own. The Chief Nurse is also the
# executive lead for speaking up: with the non-executive director she approves the
# first guardian (wellled/speakup/enrolment.py).
EXTRA_GRANTS: tuple[tuple[str, str], ...] = (("executive", Role.FTSU_EXECUTIVE_LEAD),)
# The platform operator: a Django superuser with no role and no staff profile.
OPERATOR_USERNAME = "operator"


@dataclass(frozen=True)
class SitePlan:
    code: str
    hub: str
    name: str
    address: str
    postcode: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class UnitPlan:
    kind: str
    # Names from below the trust down to this unit.
    key: tuple[str, ...]
    ods_code: str | None = None
    address: str = ""
    postcode: str = ""
    service_line: str = ""
    setting: str = ""
    site_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaffPlan:
    full_name: str
    job_title: str
    email: str
    staff_number: str | None
    unit_key: tuple[str, ...]
    username: str | None = None


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    trust: UnitPlan
    # In creation order: every unit's parent comes before it.
    units: tuple[UnitPlan, ...]
    staff: tuple[StaffPlan, ...]
    personas: tuple[Persona, ...] = PERSONAS

    def count(self, kind: str) -> int:
        return sum(1 for unit in self.units if unit.kind == kind)


@dataclass
class DemoResult:
    trust: OrgUnit
    users: dict[str, User] = field(default_factory=dict)


class DemoRefused(Exception):
    """The database is not empty enough to load the demo into."""


def _read_lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _read_sites(rng: random.Random) -> list[SitePlan]:
    sites = []
    with (DATA_DIR / "demo_sites.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            number = rng.randint(1, 180)
            letters = rng.choice(_INWARD_LETTERS) + rng.choice(_INWARD_LETTERS)
            inward = f"{rng.randint(1, 9)}{letters}"
            sites.append(
                SitePlan(
                    code=row["code"],
                    hub=row["hub"],
                    name=row["name"],
                    address=f"{number} {row['street']}, {row['town']}",
                    # "WL" is not a postcode area in use, so no address is real.
                    postcode=f"WL{row['district']} {inward}",
                    tags=tuple(row["tags"].split()),
                )
            )
    return sites


def _read_titles() -> dict[str, tuple[list[str], list[int]]]:
    pools: dict[str, tuple[list[str], list[int]]] = {}
    with (DATA_DIR / "demo_job_titles.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            titles, weights = pools.setdefault(row["pool"], ([], []))
            titles.append(row["title"])
            weights.append(int(row["weight"]))
    return pools


def _team_sites(template: _TeamTemplate, hub: str | None, sites: list[SitePlan]) -> tuple[str, ...]:
    if template.where.startswith(TRUST_ODS):
        codes = tuple(template.where.split())
    else:
        codes = tuple(
            site.code
            for site in sites
            if template.where in site.tags and (hub is None or site.hub == hub)
        )
    known = {site.code for site in sites}
    if not codes or not set(codes) <= known:
        raise ValueError(f"Demo team {template.name!r} has no site matching {template.where!r}")
    return codes


def _share_out(total: int, weights: list[int]) -> list[int]:
    """Split total in proportion to weights, exactly (largest remainder)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z-]", "", ascii_name.lower().replace(" ", "-"))


def plan_demo(*, seed: int = DEFAULT_SEED, staff_count: int = DEFAULT_STAFF) -> DemoPlan:
    """Everything the demo writes, from the seed alone: no database access."""
    if staff_count < 0:
        raise ValueError("staff_count cannot be negative")
    # Addresses come from a generator of their own so that the seed changes the
    # staff alone and every demo has the same sites.
    sites = _read_sites(random.Random(TRUST_ODS))
    rng = random.Random(seed)
    hq = next(site for site in sites if "hq" in site.tags)
    trust = UnitPlan(
        kind=UnitKind.TRUST,
        key=(),
        ods_code=TRUST_ODS,
        address=f"{hq.name}, {hq.address}",
        postcode=hq.postcode,
    )
    units: list[UnitPlan] = [UnitPlan(kind=UnitKind.HUB, key=(f"{hub} hub",)) for hub in HUBS]
    units += [
        UnitPlan(
            kind=UnitKind.SITE,
            key=(f"{site.hub} hub", site.name),
            ods_code=site.code,
            address=site.address,
            postcode=site.postcode,
        )
        for site in sites
    ]
    units += [UnitPlan(kind=UnitKind.CARE_GROUP, key=(name,)) for name in CARE_GROUPS]

    # (team unit, its pool, whether it is a ward, its relative size)
    teams: list[tuple[UnitPlan, str, bool, int]] = []
    for service in SERVICES:
        service_teams: list[UnitPlan] = []
        for template in service.teams:
            for hub in HUBS if "{hub}" in template.name else (None,):
                name = template.name.format(hub=hub)
                team = UnitPlan(
                    kind=UnitKind.TEAM,
                    key=(service.care_group, service.name, name),
                    site_codes=_team_sites(template, hub, sites),
                )
                service_teams.append(team)
                teams.append((team, service.pool, service.setting == _INP, template.size))
        delivered_at = sorted({code for team in service_teams for code in team.site_codes})
        units.append(
            UnitPlan(
                kind=UnitKind.SERVICE,
                key=(service.care_group, service.name),
                service_line=service.service_line,
                setting=service.setting,
                site_codes=tuple(delivered_at),
            )
        )
        units += service_teams

    first_names = _read_lines("demo_first_names.txt")
    last_names = _read_lines("demo_last_names.txt")
    pools = _read_titles()
    corporate = round(staff_count * CORPORATE_SHARE)
    per_team = _share_out(staff_count - corporate, [size for *_, size in teams])
    # Each slot: (unit key, pool, title for the first in the team or None).
    slots: list[tuple[tuple[str, ...], str, str | None]] = [((), "corporate", None)] * corporate
    for (team, pool, is_ward, _size), count in zip(teams, per_team, strict=True):
        leader = "Ward Manager" if is_ward else "Team Manager"
        slots += [(team.key, pool, leader if i == 0 else None) for i in range(count)]

    staff: list[StaffPlan] = []
    emails: Counter[str] = Counter()
    for number, (unit_key, pool, fixed_title) in enumerate(slots, start=1):
        first, last = rng.choice(first_names), rng.choice(last_names)
        titles, weights = pools[pool]
        title = fixed_title or rng.choices(titles, weights)[0]
        local = f"{_email_part(first)}.{_email_part(last)}"
        emails[local] += 1
        suffix = str(emails[local]) if emails[local] > 1 else ""
        staff.append(
            StaffPlan(
                full_name=f"{first} {last}",
                job_title=title,
                email=f"{local}{suffix}@{EMAIL_DOMAIN}",
                staff_number=f"DEMO-{number:06d}",
                unit_key=unit_key,
            )
        )
    for persona in PERSONAS:
        staff.append(
            StaffPlan(
                full_name=persona.full_name,
                job_title=persona.job_title,
                email=f"{persona.username}@{EMAIL_DOMAIN}",
                staff_number=None,
                unit_key=persona.scope,
                username=persona.username,
            )
        )
    return DemoPlan(seed=seed, trust=trust, units=tuple(units), staff=tuple(staff))


def in_creation_order(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Units in the order the demo created them, for a demo that draws from them at random.

    Not by `path`: a path is made of primary keys written as plain numbers
    ("/1/100/" sorts before "/1/23/"), so its order changes with where the
    database's id sequence stands. On PostgreSQL a sequence is not rolled back with
    a test's transaction, so after other tests the same seed drew different
    services (the complaints demo's timeliness story moved). The pks' relative
    order is the order of creation, whatever the sequence's start.
    """
    return units.order_by("pk")


def find_demo_trust() -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=UnitKind.TRUST, ods_code=TRUST_ODS, name=TRUST_NAME).first()


def _refuse_if_not_empty() -> None:
    existing = OrgUnit.objects.filter(kind=UnitKind.TRUST).first()
    if existing is not None:
        raise DemoRefused(
            f"A trust already exists ({existing.name}). The demo loads only into an empty "
            "database and never changes or removes existing data."
        )
    usernames = [persona.username for persona in PERSONAS] + [OPERATOR_USERNAME]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise DemoRefused(
            f"The demo's usernames are already taken: {', '.join(taken)}. "
            "Load the demo into an empty database."
        )


@transaction.atomic
def build_demo(plan: DemoPlan) -> DemoResult:
    """Write the plan through the organisation actions: all of it, or nothing."""
    _refuse_if_not_empty()
    trust = org.create_unit(
        acting_user=None,
        kind=UnitKind.TRUST,
        name=TRUST_NAME,
        ods_code=plan.trust.ods_code,
        address=plan.trust.address,
        postcode=plan.trust.postcode,
    )
    units: dict[tuple[str, ...], OrgUnit] = {(): trust}
    sites: dict[str, OrgUnit] = {}
    for item in plan.units:
        unit = org.create_unit(
            acting_user=None,
            kind=item.kind,
            name=item.key[-1],
            parent=units[item.key[:-1]],
            ods_code=item.ods_code,
            address=item.address,
            postcode=item.postcode,
            service_line=item.service_line,
            setting=item.setting,
        )
        units[item.key] = unit
        if item.kind == UnitKind.SITE and item.ods_code:
            sites[item.ods_code] = unit
        if item.site_codes:
            org.set_unit_sites(
                acting_user=None, unit=unit, sites=[sites[code] for code in item.site_codes]
            )

    org.import_staff_profiles(
        acting_user=None,
        rows=[
            {
                "full_name": person.full_name,
                "job_title": person.job_title,
                "email": person.email,
                "staff_number": person.staff_number,
                "unit": units[person.unit_key],
            }
            for person in plan.staff
            if person.username is None
        ],
        source=f"wellled demo: fictional staff, seed {plan.seed}",
    )

    result = DemoResult(trust=trust)
    profiles = {person.username: person for person in plan.staff if person.username}
    for persona in plan.personas:
        first, _, last = persona.full_name.partition(" ")
        user = _with_demo_password(
            User.objects.create_user(
                persona.username,
                profiles[persona.username].email,
                None,
                first_name=first,
                last_name=last,
            )
        )
        profile = profiles[persona.username]
        org.create_staff_profile(
            acting_user=None,
            full_name=profile.full_name,
            unit=units[profile.unit_key],
            job_title=profile.job_title,
            email=profile.email,
            user=user,
        )
        org.grant_role(acting_user=None, user=user, role=persona.role, unit=units[persona.scope])
        result.users[persona.username] = user
    for username, role in EXTRA_GRANTS:
        org.grant_role(acting_user=None, user=result.users[username], role=role, unit=units[()])
    result.users[OPERATOR_USERNAME] = _with_demo_password(
        User.objects.create_superuser(
            OPERATOR_USERNAME,
            f"{OPERATOR_USERNAME}@{EMAIL_DOMAIN}",
            None,
            first_name="Platform",
            last_name="Operator",
        )
    )
    return result


@functools.cache
def _demo_password_hash() -> str:
    """The demo password hashed once per process, with the production hasher.

    Every demo login shares one published password, so sharing its salt gives
    nothing away, and hashing it once instead of once a login saves an Argon2
    hash a login. Real accounts are never set here.
    """
    return make_password(DEMO_PASSWORD)


def _with_demo_password(user: User) -> User:
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    return user


def load_demo(*, seed: int = DEFAULT_SEED, staff_count: int = DEFAULT_STAFF) -> DemoResult:
    return build_demo(plan_demo(seed=seed, staff_count=staff_count))


# Fingerprints: one line per unit, staff profile and grant, sorted, described by
# names rather than database ids so that two databases can be compared.


def _unit_line(
    kind: str,
    path: tuple[str, ...],
    ods_code: str | None,
    address: str,
    postcode: str,
    service_line: str,
    setting: str,
    site_codes: list[str],
) -> str:
    fields = [kind, " / ".join(path), ods_code or "", address, postcode, service_line, setting]
    return "unit|" + "|".join(fields) + "|sites=" + ",".join(sorted(site_codes))


def _staff_line(
    name: str, title: str, email: str, number: str | None, path: tuple[str, ...], user: str
) -> str:
    return "|".join(["staff", name, title, email, number or "", " / ".join(path), user])


def fingerprint_plan(plan: DemoPlan) -> list[str]:
    trust = plan.trust
    lines = [
        _unit_line(
            trust.kind, (TRUST_NAME,), trust.ods_code, trust.address, trust.postcode, "", "", []
        )
    ]
    for unit in plan.units:
        lines.append(
            _unit_line(
                unit.kind,
                (TRUST_NAME, *unit.key),
                unit.ods_code,
                unit.address,
                unit.postcode,
                unit.service_line,
                unit.setting,
                list(unit.site_codes),
            )
        )
    for person in plan.staff:
        lines.append(
            _staff_line(
                person.full_name,
                person.job_title,
                person.email,
                person.staff_number,
                (TRUST_NAME, *person.unit_key),
                person.username or "",
            )
        )
    for persona in plan.personas:
        scope = " / ".join((TRUST_NAME, *persona.scope))
        lines.append(f"grant|{persona.username}|{persona.role}|{scope}")
    for username, role in EXTRA_GRANTS:
        lines.append(f"grant|{username}|{role}|{TRUST_NAME}")
    lines.append(f"operator|{OPERATOR_USERNAME}")
    return sorted(lines)


def fingerprint_database() -> list[str]:
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}

    def path_of(unit_id: int) -> tuple[str, ...]:
        return tuple(units[ancestor].name for ancestor in units[unit_id].ancestor_ids())

    sites_of: dict[int, list[str]] = {}
    for through in OrgUnit.sites.through.objects.select_related("to_orgunit"):
        sites_of.setdefault(through.from_orgunit_id, []).append(through.to_orgunit.ods_code or "")
    lines = [
        _unit_line(
            unit.kind,
            path_of(unit.pk),
            unit.ods_code,
            unit.address,
            unit.postcode,
            unit.service_line,
            unit.setting,
            sites_of.get(unit.pk, []),
        )
        for unit in units.values()
    ]
    for profile in StaffProfile.objects.select_related("user"):
        lines.append(
            _staff_line(
                profile.full_name,
                profile.job_title,
                profile.email,
                profile.staff_number,
                path_of(profile.unit_id),
                profile.user.username if profile.user else "",
            )
        )
    for grant in RoleAssignment.objects.select_related("user"):
        path = " / ".join(path_of(grant.unit_id))
        lines.append(f"grant|{grant.user.username}|{grant.role}|{path}")
    for username in User.objects.filter(is_superuser=True).values_list("username", flat=True):
        lines.append(f"operator|{username}")
    return sorted(lines)


def scope_label(persona: Persona) -> str:
    return persona.scope[-1] if persona.scope else "whole trust"
