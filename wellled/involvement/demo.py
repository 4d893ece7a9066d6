"""Demo involvement for the fictional trust: a register of about 150 fictional
people, two years of activities across its services (most at consultation, two
care groups reaching co-production), payments whose turnaround improves, and
"You said, we did" with actions on the shared loop.

Everything goes through the involvement and improvement actions. Names are
made up from short lists; no real person is described.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from wellled.improvement import actions as improvement
from wellled.involvement import actions
from wellled.involvement.improvement_source import KIND
from wellled.involvement.models import (
    Activity,
    ConsentScope,
    ContactBy,
    Experience,
    Interest,
    OpportunityKind,
    Person,
    Rung,
)
from wellled.organisation.demo import DemoResult, in_creation_order
from wellled.organisation.models import OrgUnit, UnitKind

FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Hari",
    "Iris",
    "Jon",
    "Kemi",
    "Liam",
    "Maya",
    "Nia",
    "Omar",
    "Priya",
    "Rob",
    "Sana",
    "Tom",
    "Uma",
    "Vic",
    "Zara",
]
LAST = [
    "Ahmed",
    "Baker",
    "Carter",
    "Davies",
    "Evans",
    "Francis",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okoro",
    "Price",
    "Rees",
    "Shah",
    "Walsh",
]
ETHNIC = (
    ["White"] * 7
    + ["Asian or Asian British"] * 2
    + [
        "Black, Black British, Caribbean or African",
        "Mixed or multiple ethnic groups",
    ]
)
TITLES: dict[str, str] = {
    OpportunityKind.CONSULTATION_EVENT: "Listening event on {service}",
    OpportunityKind.RECRUITMENT_PANEL: "Interview panel for {service}",
    OpportunityKind.COMMITTEE_SEAT: "Lived-experience seat on the {service} quality group",
    OpportunityKind.SERVICE_REDESIGN: "Redesigning {service} with the people who use it",
    OpportunityKind.PROJECT: "Co-produced leaflet for {service}",
}
SAID_DID = [
    (
        "Letters arrived after the appointment they were about.",
        "Appointments are now confirmed by text the same day.",
    ),
    (
        "The waiting room felt unsafe in the evenings.",
        "The evening clinic moved to the ground floor with a receptionist.",
    ),
    (
        "Nobody explained what the care plan meant.",
        "Care plans now open with a one-page summary written with carers.",
    ),
    (
        "Carers were not told about discharge.",
        "Discharge checklists now ask who the carer is and record that they were told.",
    ),
]
# Policy version 1 (illustrative rates like the NHS England PPV policy's historic
# £75 up to 4 hours and £150 a day; reference §4.3, to be confirmed by the trust).
LEVELS = [
    (1, "Giving feedback (expenses only)", 0, 0),
    (2, "Taking part in a group (expenses only)", 0, 0),
    (3, "Panel or committee member", 7500, 15000),
    (4, "Co-producing a project or service", 7500, 15000),
]


def _people(rng: random.Random, services: list[OrgUnit], today: datetime.date) -> list[Person]:
    people = []
    for n in range(150):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        joined = today - datetime.timedelta(days=rng.randint(30, 760))
        by_phone = n % 7 == 0
        people.append(
            actions.register_person(
                acting_user=None,
                full_name=name,
                contact_by=ContactBy.PHONE if by_phone else ContactBy.EMAIL,
                email="" if by_phone else f"member{n + 1}@example.org",
                phone=f"07700 9{n:05d}" if by_phone else "",
                experience=rng.choice(list(Experience.values)),
                interests=rng.sample(list(Interest.values), k=2),
                services=rng.sample(services, k=min(2, len(services))),
                consent_scope=[ConsentScope.CONTACT, ConsentScope.SHARE_WITH_SERVICE],
                equality=actions.Equality(
                    ethnic_group=rng.choice(ETHNIC),
                    age_band=rng.choice(["25-34", "45-54", "65-74"]),
                ),
                source="public" if n % 3 else "staff",
                today=joined,
            )
        )
    return people


def _kind_and_rungs(rng: random.Random, leading: bool, age: float) -> tuple[str, int, int]:
    """(kind, rung aimed, rung reached): most at consultation; the leading care
    groups' later work reaches co-production."""
    if leading and rng.random() < 0.4 + 0.4 * (1 - age):
        kind = rng.choice([OpportunityKind.SERVICE_REDESIGN, OpportunityKind.PROJECT])
        return kind, Rung.CO_PRODUCTION, rng.choice([Rung.CO_DESIGN, Rung.CO_PRODUCTION])
    if rng.random() < 0.7:
        return OpportunityKind.CONSULTATION_EVENT, Rung.CONSULTATION, Rung.CONSULTATION
    kind = rng.choice([OpportunityKind.RECRUITMENT_PANEL, OpportunityKind.COMMITTEE_SEAT])
    return kind, Rung.ENGAGEMENT, rng.choice([Rung.INFORMING, Rung.CONSULTATION, Rung.ENGAGEMENT])


def _pay(
    rng: random.Random, activity: Activity, held: datetime.date, age: float, today: datetime.date
) -> int:
    """Claims for those who came; turnaround falls from about four weeks to one."""
    paid = 0
    for part in activity.participants.filter(attended=True):
        received = min(held + datetime.timedelta(days=rng.randint(0, 5)), today)
        declined = rng.random() < 0.08
        claim = actions.submit_claim(
            acting_user=None,
            participation=part,
            received_on=received,
            expenses_pence=rng.choice([0, 450, 820, 1260]),
            payment_declined=declined,
            declined_note="Expenses only: payment could affect their benefits" if declined else "",
            today=today,
        )
        approved = min(received + datetime.timedelta(days=rng.randint(1, 4)), today)
        actions.approve_claim(acting_user=None, claim=claim, today=approved)
        paid_on = received + datetime.timedelta(days=int(5 + 22 * age + rng.randint(-2, 4)))
        if paid_on <= today:
            actions.mark_paid(acting_user=None, claim=claim, paid_on=paid_on, today=today)
            paid += 1
    return paid


def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(seed + 20)
    today = timezone.localdate()
    lead = result.users.get("involvement")
    # Drawn from at random: in creation order, which no id sequence moves.
    services = list(
        in_creation_order(OrgUnit.objects.filter(kind=UnitKind.SERVICE, is_active=True))
    )
    care_groups = list(in_creation_order(OrgUnit.objects.filter(kind=UnitKind.CARE_GROUP)))
    leading = {unit.path for unit in care_groups[:2]}
    actions.add_payment_policy(
        acting_user=None,
        version="1",
        in_force_from=today - datetime.timedelta(days=800),
        target_days=10,
        levels=LEVELS,
    )
    people = _people(rng, services, today)
    counts = {"activities": 0, "paid": 0, "feedback": 0, "actions": 0}
    for n in range(110):
        service = rng.choice(services)
        held = today - datetime.timedelta(days=rng.randint(3, 730))
        age = (today - held).days / 730
        kind, aimed, reached = _kind_and_rungs(
            rng, any(service.path.startswith(p) for p in leading), age
        )
        opportunity = actions.create_opportunity(
            acting_user=None,
            title=TITLES[kind].format(service=service.name),
            kind=kind,
            service=service,
            rung_aimed=aimed,
            role_level=3 if aimed >= Rung.ENGAGEMENT else 2,
        )
        invited = rng.sample(people, k=rng.randint(3, 7))
        activity = actions.record_activity(
            acting_user=None,
            opportunity=opportunity,
            held_on=held,
            hours=Decimal(rng.choice(["2", "3", "6"])),
            participants=invited,
            attended=invited[: max(2, len(invited) - rng.randint(0, 2))],
            rung_reached=reached,
            today=today,
        )
        counts["activities"] += 1
        counts["paid"] += _pay(rng, activity, held, age, today)
        if rng.random() < 0.6 and (today - held).days > 20:
            said, did = rng.choice(SAID_DID)
            actions.record_feedback(
                acting_user=None,
                activity=activity,
                you_said=said,
                we_did=did,
                participants_told_on=held
                + datetime.timedelta(days=rng.randint(10, 60 - int(30 * (1 - age)))),
                today=today,
            )
            counts["feedback"] += 1
            if lead is not None and n % 8 == 0:
                improvement.raise_action(
                    acting_user=None,
                    source_kind=KIND,
                    source_id=str(activity.pk),
                    title=did.rstrip("."),
                    owner=lead,
                    due_on=today + datetime.timedelta(days=rng.randint(20, 90)),
                    raised_on=today,
                )
                counts["actions"] += 1
    return (
        f"Involvement: {len(people)} people, {counts['activities']} activities, "
        f'{counts["paid"]} claims paid, {counts["feedback"]} "You said, we did", '
        f"{counts['actions']} actions"
    )
