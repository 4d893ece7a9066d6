"""A year of Freedom to Speak Up cases for the demo trust, written through the actions.

About 150 concerns: most confidential, some open, about one in ten anonymous,
raised online or with the guardian in person or by phone. The mix of elements
follows the national figures (other inappropriate behaviours most common, then
worker safety, bullying or harassment and patient safety; several per case),
with a few reports of detriment. Cases are triaged within a week, get actions
and sometimes an escalation, and those older than a couple of months are closed,
with the worker's answer to "would you speak up again?" where they gave one.

Everything is readable by the demo guardian (Chris Lowe, username "guardian")
after unlocking their key with the passphrase below: demo only, never a real one.
Content and dates follow from the seed and today's date; keys, receipt codes and
case references are random by design (cryptographic randomness is never seeded).
Reporters' codes in the demo are wrapped with the cheapest Argon2id parameters
to keep loading quick; the guardian's key uses the configured ones.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from wellled.organisation.demo import DemoResult, in_creation_order
from wellled.organisation.models import OrgUnit, Role, RoleAssignment, UnitKind
from wellled.speakup import actions, enrolment
from wellled.speakup.models import Case, FeedbackAnswer, GuardianKey, Route, Theme, WorkerGroup

DEMO_GUARDIAN_PASSPHRASE = "demo speak-up passphrase"  # noqa: S105 - demo only, documented
WEEKS = 52
Date = datetime.date

THEMES = (
    "Staffing levels",
    "Rotas and leave",
    "Management behaviour",
    "Incivility between colleagues",
    "Equipment and estates",
    "Training and induction",
    "Discrimination",
    "Workload and breaks",
)

# element -> (probability, narratives, themes)
ELEMENTS: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "element_other_behaviour": (
        0.38,
        (
            "A senior colleague regularly belittles newly qualified staff in front of patients.",
            "Shift leaders favour some staff when giving out breaks and training places.",
            "Colleagues make remarks about internationally educated nurses' accents at handover.",
        ),
        ("Incivility between colleagues", "Management behaviour", "Discrimination"),
    ),
    "element_worker_safety": (
        0.32,
        (
            "We are regularly left without a break on twelve-hour night shifts.",
            "Lone working on home visits without the check-in system working.",
            "Staff are being moved to cover other wards without an induction.",
        ),
        ("Workload and breaks", "Staffing levels", "Training and induction"),
    ),
    "element_bullying_harassment": (
        0.20,
        (
            "My manager shouts at me in front of others and has threatened my contract.",
            "A group of colleagues excludes one team member and mocks her in a group chat.",
        ),
        ("Management behaviour", "Incivility between colleagues"),
    ),
    "element_patient_safety": (
        0.19,
        (
            "Controlled drug checks are being signed without both nurses present.",
            "The hoist on the ward has been broken for weeks and patients wait to be moved.",
            "Observations are being recorded late when the ward is short-staffed.",
        ),
        ("Staffing levels", "Equipment and estates"),
    ),
}

WORKER_GROUPS = (
    (WorkerGroup.NURSES_MIDWIVES, 30),
    (WorkerGroup.NURSING_ASSISTANTS, 14),
    (WorkerGroup.ADMIN_CLERICAL, 16),
    (WorkerGroup.ALLIED_HEALTH, 10),
    (WorkerGroup.MEDICAL_DENTAL, 6),
    (WorkerGroup.ESTATES_ANCILLARY, 6),
    (WorkerGroup.ADDITIONAL_SCIENTIFIC, 4),
    (WorkerGroup.CORPORATE, 4),
    (WorkerGroup.STUDENTS, 3),
    (WorkerGroup.NOT_KNOWN, 7),
)

FIRST = ("Alex", "Bea", "Cal", "Dana", "Eli", "Faye", "Gus", "Hana", "Ivo", "Jess", "Kai", "Lola")
LAST = ("Arden", "Blake", "Crane", "Dale", "Ewart", "Frost", "Grey", "Hale", "Irwin", "Joyce")

OUTCOMES = (
    "The ward manager has changed the break rota and checks it weekly.",
    "HR investigated; the manager concerned has had training and is being supported.",
    "Estates replaced the equipment and added it to the planned maintenance list.",
    "The matron now audits controlled drug checks monthly and shares the results.",
    "The team had a facilitated conversation and agreed how to work together.",
)


def _pick_elements(rng: random.Random) -> dict[str, bool]:
    chosen = {name: rng.random() < prob for name, (prob, _, _) in ELEMENTS.items()}
    if not any(chosen.values()):
        chosen[rng.choice(list(ELEMENTS))] = True
    return chosen


def _narrative(rng: random.Random, elements: dict[str, bool]) -> tuple[str, list[str]]:
    parts, themes = [], []
    for name, present in elements.items():
        if present:
            _, narratives, theme_names = ELEMENTS[name]
            parts.append(rng.choice(narratives))
            themes.append(rng.choice(theme_names))
    return " ".join(parts), sorted(set(themes))


def _services() -> list[OrgUnit]:
    # Drawn from at random: in creation order, which no id sequence moves.
    return list(in_creation_order(OrgUnit.objects.filter(kind=UnitKind.SERVICE, is_active=True)))


def enrol_demo_guardian(result: DemoResult) -> bytes:
    """Chris Lowe sets up a key and is approved as the first guardian by the Chief
    Nurse (executive lead for speaking up) and the non-executive director, as a
    trust would enrol its first guardian. Returns the unlocked private key."""
    guardian = result.users["guardian"]
    if not GuardianKey.objects.filter(user=guardian).exists():
        actions.set_up_guardian_key(
            acting_user=guardian,
            passphrase=DEMO_GUARDIAN_PASSPHRASE,
            confirm=DEMO_GUARDIAN_PASSPHRASE,
        )
    private = actions.unlock_guardian_key(acting_user=guardian, passphrase=DEMO_GUARDIAN_PASSPHRASE)
    if not enrolment.trusted_guardian_keys():
        grant = RoleAssignment.objects.get(user=guardian, role=Role.FTSU_GUARDIAN)
        for approver in ("executive", "board"):
            enrolment.approve_first_guardian(acting_user=result.users[approver], grant=grant)
    return private


def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(f"speakup-{seed}")
    guardian = result.users["guardian"]
    staff = result.users.get("staff")
    private = enrol_demo_guardian(result)
    themes = {name: _theme(guardian, name) for name in THEMES}
    services = _services()
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=WEEKS)
    sample_code = ""
    count = 0
    with override_settings(WELLLED_SPEAKUP_ARGON2_OPSLIMIT=1, WELLLED_SPEAKUP_ARGON2_MEMLIMIT=8192):
        for week in range(WEEKS):
            for _ in range(rng.choice((2, 2, 3, 3, 3, 4))):
                day = start + datetime.timedelta(weeks=week, days=rng.randint(0, 4))
                if day >= today:
                    continue
                code = _one_case(rng, day, today, guardian, staff, private, themes, services)
                count += 1
                if code and not sample_code and day > today - datetime.timedelta(weeks=6):
                    sample_code = code
    # The past days' counts of reporters' actions, as the nightly task would write.
    actions.write_reporter_tallies(acting_user=None, today=today)
    return (
        f"speakup: {count} concerns over a year for guardian 'guardian' "
        f"(speak-up key passphrase: '{DEMO_GUARDIAN_PASSPHRASE}')"
        + (f"; an anonymous reporter's code to try: {sample_code}" if sample_code else "")
    )


def _theme(guardian: User, name: str) -> object:
    existing = Theme.objects.filter(name=name).first()
    return existing or actions.add_theme(acting_user=guardian, name=name)


def _weighted_group(rng: random.Random) -> str:
    groups, weights = zip(*WORKER_GROUPS, strict=True)
    return str(rng.choices(groups, weights=weights)[0])


def _one_case(
    rng: random.Random,
    day: Date,
    today: Date,
    guardian: User,
    staff: User | None,
    private: bytes,
    themes: dict[str, object],
    services: list[OrgUnit],
) -> str | None:
    elements = _pick_elements(rng)
    narrative, theme_names = _narrative(rng, elements)
    route = rng.choices((Route.CONFIDENTIAL, Route.OPEN, Route.ANONYMOUS), weights=(58, 32, 10))[0]
    group = _weighted_group(rng)
    unit = rng.choice(services) if services and rng.random() < 0.85 else None
    code: str | None = None
    with actions.as_of(day):
        if route == Route.ANONYMOUS:
            submitted = actions.submit_anonymous_concern(
                concern=actions.NewConcern(narrative=narrative, worker_group=group)
            )
        elif staff is not None and rng.random() < 0.15:
            submitted = actions.raise_concern(
                acting_user=staff,
                concern=actions.NewConcern(
                    narrative=narrative, route=route, worker_group=group, unit=unit
                ),
            )
        else:
            submitted = actions.record_on_behalf(
                acting_user=guardian,
                concern=actions.NewConcern(
                    narrative=narrative,
                    route=route,
                    worker_group=group,
                    unit=unit,
                    reporter_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    reporter_contact=f"ext {rng.randint(2000, 7999)}",
                ),
                channel=rng.choice(("in_person", "phone", "writing")),
                received_on=day,
                issue_code=rng.random() < 0.3,
            )
    case: Case = submitted.case
    code = submitted.code
    triaged = min(day + datetime.timedelta(days=rng.randint(1, 6)), today)
    with actions.as_of(triaged):
        actions.triage(
            acting_user=guardian,
            case=case,
            private_key=private,
            details=actions.CaseDetails(
                summary=narrative[:80].rsplit(" ", 1)[0] + "…",
                worker_group=group,
                unit=unit,
                themes=[themes[name] for name in theme_names],  # type: ignore[misc]
                **elements,
            ),
        )
        if case.has_receipt:
            actions.post_guardian_message(
                acting_user=guardian,
                case=case,
                private_key=private,
                body="Thank you for speaking up. Can you tell me when this last happened, "
                "and whether anyone else saw it?",
            )
        if rng.random() < 0.6:
            actions.add_action(
                acting_user=guardian,
                case=case,
                private_key=private,
                description="Meet the service manager to agree next steps",
                owner="Service manager",
                due=triaged + datetime.timedelta(days=rng.randint(7, 28)),
            )
        if rng.random() < 0.05:
            actions.record_detriment(
                acting_user=guardian,
                case=case,
                private_key=private,
                reported=True,
                note="The worker says they have been left off the rota since speaking up.",
            )
    if code and rng.random() < 0.7:
        replied = min(triaged + datetime.timedelta(days=rng.randint(1, 10)), today)
        with actions.as_of(replied):
            session = actions.open_with_code(code=code)
            actions.post_reporter_message(
                session=session, body="Last week, on the night shift. Two others saw it."
            )
    if rng.random() < 0.12:
        escalated = min(triaged + datetime.timedelta(days=rng.randint(3, 20)), today)
        with actions.as_of(escalated):
            actions.escalate(
                acting_user=guardian,
                case=case,
                private_key=private,
                route=rng.choice(("ned", "executive_lead", "hr", "patient_safety")),
                note="Escalated with the worker's consent.",
                escalated_on=escalated,
            )
    closes = day + datetime.timedelta(days=rng.randint(28, 84))
    if closes < today:
        with actions.as_of(closes):
            case = actions.close_case(
                acting_user=guardian, case=case, private_key=private, outcome=rng.choice(OUTCOMES)
            )
            if rng.random() < 0.6:
                answer = rng.choices(
                    (
                        FeedbackAnswer.YES,
                        FeedbackAnswer.NO,
                        FeedbackAnswer.MAYBE,
                        FeedbackAnswer.DONT_KNOW,
                    ),
                    weights=(83, 5, 8, 4),
                )[0]
                if code:
                    actions.answer_feedback(
                        session=actions.open_with_code(code=code),
                        answer=answer,
                        reason="I was listened to." if answer == FeedbackAnswer.YES else "",
                    )
                else:
                    actions.record_feedback(
                        acting_user=guardian, case=case, private_key=private, answer=answer
                    )
    return code
