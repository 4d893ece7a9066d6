"""Two years of complaints and PALS concerns for the demo trust, written through the actions.

The story is the inspection's: responses often late and learning often missing in
the first year, worst about nine months in (when the inspectors came), then
improving month by month as the trust acts. About 1,500 cases: formal complaints,
PALS concerns (a few escalated to complaints), oral complaints resolved by the
next working day and a handful excluded under regulation 8. Issues are coded
with KO41a subjects, service areas and professions (and HCAT for some); each
answered complaint has outcomes, some are reopened or go to the Ombudsman, and
the most recent are still open, some of them overdue; a few made online today
wait in the triage queue for a handler.

Every name is invented; email addresses are at example.org. Everything follows
from the seed and today's date.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints import actions, ko41a_ages, rollup
from wellled.complaints.models import (
    Complaint,
    ComplaintIssue,
    LetterKind,
    ReferenceItem,
    ReferenceList,
    Status,
)
from wellled.core.workdays import WorkingCalendar, statutory_calendar
from wellled.organisation.demo import DemoResult, in_creation_order
from wellled.organisation.models import OrgUnit, ServiceLine, Setting, UnitKind

Date = datetime.date
MONTHS = 24
CASES_PER_MONTH = 62
INSPECTION_MONTH = 9  # months into the two years: the worst point
WAITING_ONLINE = 3  # made online today, waiting in the triage queue for a handler

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Gemma",
    "Harry",
    "Imogen",
    "Jonah",
    "Kiran",
    "Leah",
    "Marcus",
    "Nia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sami",
    "Tessa",
    "Umar",
    "Vera",
    "Wes",
    "Yasmin",
    "Zac",
]
LAST_NAMES = [
    "Ashdown",
    "Brierley",
    "Calloway",
    "Dunmore",
    "Everleigh",
    "Fairbairn",
    "Gorsuch",
    "Hallam",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Lambourne",
    "Merriman",
    "Northcott",
    "Ormsby",
    "Pennington",
    "Quarrie",
    "Rushworth",
    "Stanforth",
    "Thistlewood",
    "Underhill",
    "Vickery",
    "Whitlock",
    "Yardley",
]

# KO41a subject code -> (weight, summaries, issue descriptions)
SUBJECTS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "communications": (
        24,
        (
            "Waited weeks for a call back after a referral and nobody explained the delay.",
            "Letters about appointments went to an old address despite asking for a change.",
            "Family were not told about a change of plan before discharge.",
        ),
        ("No call back as promised", "Change of plan not explained", "Letters not received"),
    ),
    "values_behaviours": (
        16,
        (
            "A member of staff was dismissive when concerns about medication were raised.",
            "Felt rushed and not listened to during an assessment.",
        ),
        ("Staff attitude during a visit", "Concerns not listened to"),
    ),
    "patient_care": (
        14,
        (
            "Care plan reviews kept being cancelled and needs were not met at home.",
            "Help with meals on the ward was not given as agreed.",
        ),
        ("Care plan not followed", "Help with eating and drinking not given"),
    ),
    "appointments": (
        12,
        (
            "Clinic appointments were cancelled three times with no new date offered.",
            "An appointment letter arrived after the appointment date.",
        ),
        ("Appointment cancelled repeatedly", "Appointment letter arrived late"),
    ),
    "waiting_times": (
        10,
        (
            "Has been waiting many months for therapy with no update on the waiting list.",
            "Waited a long time for a home visit after being discharged from hospital.",
        ),
        ("Long wait for therapy", "Delay in first home visit"),
    ),
    "clinical_treatment": (
        9,
        (
            "Believes a change in medication was made without a proper review.",
            "Concerned that wound care was not carried out as prescribed.",
        ),
        ("Treatment decision questioned", "Wound care not as prescribed"),
    ),
    "admissions_discharges": (
        7,
        ("Discharged from the ward without the support at home that was agreed.",),
        ("Discharge without agreed support",),
    ),
    "privacy_dignity": (
        4,
        ("Personal matters were discussed where other patients could hear.",),
        ("Privacy not respected",),
    ),
    "facilities": (
        3,
        ("The waiting area was cold and the accessible toilet was out of order.",),
        ("Facilities in poor repair",),
    ),
    "trust_administration": (
        3,
        ("Records held the wrong GP and correspondence went astray.",),
        ("Records not updated",),
    ),
}
PROFESSIONS = (
    ("nursing", 45),
    ("medical", 20),
    ("trust_administration", 15),
    ("scientific_therapeutic_technical", 12),
    ("support_services", 8),
)
LEARNING = (
    "Teams now confirm call-back times in writing and track them on the daily huddle board.",
    "Discharge checklists now include confirming home support with the family the day before.",
    "Reception teams were reminded how to update addresses and a monthly audit was started.",
    "Clinic cancellations now trigger a same-day call offering a new date.",
    "Staff attended a session on listening to carers' concerns, with the family's story.",
    "Care plan reviews can no longer be cancelled without a team manager agreeing a new date.",
)
NO_LEARNING = "The care given was appropriate; the explanation given resolved the concern."


@dataclass
class _Context:
    rng: random.Random
    ages: random.Random  # the patients' ages, a stream of their own
    calendar: WorkingCalendar
    today: Date
    manager: User
    handler: User
    signatory: User
    services: list[tuple[OrgUnit, list[OrgUnit]]]
    subjects: dict[str, ReferenceItem]
    subcategories: dict[str, list[ReferenceItem]]
    areas: dict[str, ReferenceItem]
    professions: dict[str, ReferenceItem]
    hcat: list[ReferenceItem]


def _performance(month: int) -> float:
    """0..1: how well the trust keeps its timescales in month `month` of 24."""
    if month <= INSPECTION_MONTH:
        return 0.62 - 0.2 * month / INSPECTION_MONTH
    return 0.42 + 0.48 * (month - INSPECTION_MONTH) / (MONTHS - 1 - INSPECTION_MONTH)


def _items(list_name: str) -> dict[str, ReferenceItem]:
    return {i.code: i for i in ReferenceItem.objects.filter(list=list_name, is_active=True)}


def _context(result: DemoResult, seed: int) -> _Context:
    services = []
    # Drawn from at random: in creation order, which no id sequence moves.
    for service in in_creation_order(
        OrgUnit.objects.filter(
            kind=UnitKind.SERVICE, is_active=True, path__startswith=result.trust.path
        )
    ):
        sites = list(in_creation_order(service.sites.filter(kind=UnitKind.SITE)))
        services.append((service, sites))
    subcategories: dict[str, list[ReferenceItem]] = {}
    for item in ReferenceItem.objects.filter(
        list=ReferenceList.KO41A_CLINICAL_SUBCATEGORY, is_active=True
    ).select_related("parent"):
        assert item.parent is not None
        subcategories.setdefault(item.parent.code, []).append(item)
    users = result.users
    return _Context(
        rng=random.Random(seed),
        ages=random.Random(f"complaints-patients-{seed}"),
        calendar=statutory_calendar(),
        today=timezone.localdate(),
        manager=users["complaints.manager"],
        handler=users["complaints.handler"],
        signatory=users.get("executive", users["complaints.manager"]),
        services=services,
        subjects=_items(ReferenceList.KO41A_SUBJECT),
        subcategories=subcategories,
        areas=_items(ReferenceList.KO41A_SERVICE_AREA),
        professions=_items(ReferenceList.PROFESSION),
        hcat=list(
            ReferenceItem.objects.filter(list=ReferenceList.HCAT_CATEGORY, is_active=True)
            .select_related("parent")
            .order_by("pk")
        ),
    )


def _area(ctx: _Context, service: OrgUnit) -> ReferenceItem:
    if service.service_line == ServiceLine.MENTAL_HEALTH:
        code = "mental_health"
    elif service.service_line == ServiceLine.LEARNING_DISABILITY:
        code = "learning_disabilities"
    elif service.setting == Setting.INPATIENT:
        code = "inpatient"
    else:
        code = "community_services"
    return ctx.areas.get(code) or next(iter(ctx.areas.values()))


def _weighted(
    rng: random.Random, pairs: tuple[tuple[str, int], ...] | list[tuple[str, int]]
) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _person(rng: random.Random) -> actions.ComplainantDetails:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return actions.ComplainantDetails(
        full_name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}@example.org",
    )


# How the demo's patients spread over the KO41a age bands (by band code): a community
# and mental health trust's complainants, weighted to working age. Invented for
# the demo; "age_unknown" is a case with no date of birth recorded.
AGE_WEIGHTS: dict[str, int] = {
    "age_0_15": 8,
    "age_16_25": 12,
    "age_26_55": 34,
    "age_56_65": 12,
    "age_66_75": 10,
    "age_76_85": 8,
    "age_86_plus": 6,
    "age_unknown": 10,
}
OLDEST = 99


def _patient(
    ctx: _Context, person: actions.ComplainantDetails, received: Date
) -> actions.PatientDetails:
    """The patient (the complainant themselves), of an age in a KO41a band on the day
    received, or with no date of birth. From its own generator, so the draws that
    make the rest of the story (dates, outcomes) are the same with it or without."""
    bands = ko41a_ages.age_bands()
    band = ctx.ages.choices(bands, [AGE_WEIGHTS.get(b.code, 1) for b in bands])[0]
    if band.low is None:
        return actions.PatientDetails(person.full_name)
    age = ctx.ages.randint(band.low, band.high if band.high is not None else OLDEST)
    # Born 1 to 364 days before their birthday this year: `age` on the day received.
    anniversary = datetime.date(received.year - age, received.month, min(received.day, 28))
    born = anniversary - datetime.timedelta(days=ctx.ages.randint(1, 364))
    return actions.PatientDetails(person.full_name, date_of_birth=born)


def _working_after(ctx: _Context, day: Date, n: int) -> Date:
    return ctx.calendar.add_working_days(day, n)


def _add_issues(ctx: _Context, case: Complaint, subject_codes: list[str]) -> list[ComplaintIssue]:
    service = case.service
    issues = []
    for code in subject_codes:
        rng = ctx.rng
        subject = ctx.subjects[code]
        hcat = rng.choice(ctx.hcat) if ctx.hcat and rng.random() < 0.5 else None
        issues.append(
            actions.add_issue(
                acting_user=ctx.manager,
                complaint=case,
                description=rng.choice(SUBJECTS[code][2]),
                subject=subject,
                clinical_subcategory=rng.choice(ctx.subcategories[code])
                if ctx.subcategories.get(code)
                else None,
                service_area=_area(ctx, service),
                profession=ctx.professions[_weighted(rng, PROFESSIONS)],
                hcat_category=hcat,
                hcat_severity=rng.choice((1, 1, 2, 2, 3)) if hcat else None,
            )
        )
    return issues


def _respond(ctx: _Context, case: Complaint, signed: Date, sent: Date) -> Complaint:
    letter = actions.draft_letter(acting_user=ctx.manager, complaint=case, kind=LetterKind.FINAL)
    actions.edit_letter(
        acting_user=ctx.manager,
        letter=letter,
        subject=letter.subject,
        body=letter.body,
        confirms_how_considered=True,
        confirms_conclusions=True,
        confirms_actions=True,
        confirms_ombudsman_rights=True,
    )
    case = actions.submit_draft(acting_user=ctx.manager, complaint=case)
    case = actions.sign_off(
        acting_user=ctx.signatory,
        complaint=case,
        capacity="responsible_person",
        signed_off_on=signed,
    )
    return actions.record_response(acting_user=ctx.manager, complaint=case, responded_on=sent)


def _formal(ctx: _Context, month: int, received: Date, counts: dict[str, int]) -> None:
    rng = ctx.rng
    service, sites = ctx.services[rng.randrange(len(ctx.services))]
    codes = list(SUBJECTS)
    weights = [SUBJECTS[c][0] for c in codes]
    subject_codes = list(
        dict.fromkeys(rng.choices(codes, weights, k=rng.choice((1, 1, 1, 2, 2, 3))))
    )
    handler = ctx.handler if rng.random() < 0.7 else ctx.manager
    case = actions.record_complaint(
        acting_user=ctx.manager,
        channel=rng.choice(("letter", "email", "email", "online", "phone", "mp_enquiry")),
        received_on=received,
        service=service,
        site=rng.choice(sites) if sites else None,
        summary=rng.choice(SUBJECTS[subject_codes[0]][1]),
        # Named here, after the draws above, so the shared generator's order holds.
        complainant=(person := _person(rng)),
        patient=_patient(ctx, person, received),
        handler=handler,
        calendar=ctx.calendar,
    )
    counts["complaints"] += 1
    issues = _add_issues(ctx, case, subject_codes)
    good = _performance(month)
    today = ctx.today
    # Acknowledgement: on time, or a few working days late.
    assert case.acknowledgement_due is not None
    ack = (
        _working_after(ctx, received, rng.randint(1, 3))
        if rng.random() < min(0.97, good + 0.25)
        else _working_after(ctx, case.acknowledgement_due, rng.randint(1, 6))
    )
    if ack > today:
        return  # received in the last few days: not yet acknowledged
    case = actions.acknowledge(
        acting_user=handler, complaint=case, acknowledged_on=ack, discussion_offered_on=ack
    )
    agreed_on = _working_after(ctx, ack, rng.randint(0, 3))
    if agreed_on > today:
        return
    due = _working_after(ctx, received, rng.choice((25, 30, 40, 40, 60)))
    case = actions.agree_response_date(
        acting_user=handler,
        complaint=case,
        response_due=due,
        agreed_on=agreed_on,
        how_agreed=rng.choice(("phone", "email", "letter")),
    )
    case = actions.start_investigation(acting_user=handler, complaint=case)
    _casework_notes(handler, case, agreed_on, min(_working_after(ctx, agreed_on, 3), today))
    on_time = rng.random() < good
    if on_time and rng.random() < 0.15 and due - datetime.timedelta(days=5) <= today:
        # More time, agreed with the complainant before the date passed.
        new_due = _working_after(ctx, due, 15)
        actions.extend_response_date(
            acting_user=handler,
            complaint=case,
            new_date=new_due,
            complainant_agreed=True,
            how_agreed="phone",
            agreed_on=due - datetime.timedelta(days=5),
            requested_by="trust",
            reason="Waiting for statements from the team",
        )
        case.refresh_from_db()
        due = new_due
    sent = (
        _working_after(ctx, due, -rng.randint(0, 8))
        if on_time
        else _working_after(ctx, due, rng.randint(2, 30))
    )
    sent = max(sent, _working_after(ctx, agreed_on, 2))
    if sent > today:
        if rng.random() < 0.5:
            for issue in issues:
                actions.record_issue_outcome(acting_user=handler, issue=issue, outcome="upheld")
        return  # still being investigated (overdue if its date has passed)
    for issue in issues:
        outcome = rng.choices(("upheld", "partially_upheld", "not_upheld"), (25, 35, 40))[0]
        actions.record_issue_outcome(acting_user=handler, issue=issue, outcome=outcome)
    signed = _working_after(ctx, sent, -1) if sent > received else sent
    case = _respond(ctx, case, max(signed, agreed_on), sent)
    counts["answered"] += 1
    # Learning: often missing early on, usually recorded once the trust acts.
    records_learning = rng.random() < min(0.95, good + 0.1)
    upheld_issues = [i for i in issues if i.outcome in ("upheld", "partially_upheld")]
    if records_learning:
        for issue in case.issues.all():
            if issue.outcome in ("upheld", "partially_upheld"):
                actions.record_learning(
                    acting_user=handler, issue=issue, learning_statement=rng.choice(LEARNING)
                )
    elif upheld_issues or any(i.outcome != "not_upheld" for i in case.issues.all()):
        counts["missing_learning"] += 1
    close_on = _working_after(ctx, sent, rng.randint(3, 15))
    if rng.random() < 0.04 and close_on <= today:
        case = actions.reopen(
            acting_user=handler,
            complaint=case,
            reason="The complainant had further questions about the response",
            reopened_on=close_on,
        )
        # A reopened case needs a new date agreed: the six months belonged to the first.
        actions.agree_response_date(
            acting_user=handler,
            complaint=case,
            response_due=_working_after(ctx, close_on, rng.choice((15, 20, 30))),
            agreed_on=close_on,
            how_agreed="phone",
        )
        counts["reopened"] += 1
        return
    if rng.random() < 0.02 and close_on <= today:
        actions.refer_to_phso(acting_user=handler, complaint=case, referred_on=close_on)
        counts["phso"] += 1
        return
    if close_on <= today:
        # Refused while learning is missing: the case waits, as the inspectors found.
        with contextlib.suppress(ValidationError):
            actions.close(acting_user=handler, complaint=case, closed_on=close_on)


def _casework_notes(handler: User, case: Complaint, called: Date, noted: Date) -> None:
    """The timeline's contact log and notes (no names: the demo's people are random).
    Drawn from no random numbers, so the rest of the demo is the same with them."""
    actions.record_contact(
        acting_user=handler,
        complaint=case,
        contacted_on=called,
        method="phone",
        direction="out",
        with_whom="The complainant",
        summary="Talked through the complaint and agreed the response date.",
    )
    actions.add_case_note(
        acting_user=handler,
        complaint=case,
        noted_on=noted,
        text="Asked the service manager for the team's account and the records for the dates.",
    )


def _pals(ctx: _Context, received: Date, counts: dict[str, int]) -> None:
    rng = ctx.rng
    service, sites = ctx.services[rng.randrange(len(ctx.services))]
    code = rng.choices(list(SUBJECTS), [SUBJECTS[c][0] for c in SUBJECTS])[0]
    concern = actions.record_complaint(
        acting_user=ctx.handler,
        kind="pals",
        channel=rng.choice(("phone", "phone", "email", "in_person")),
        received_on=received,
        service=service,
        site=rng.choice(sites) if sites else None,
        summary=rng.choice(SUBJECTS[code][1]),
        complainant=_person(rng),
        handler=ctx.handler,
        calendar=ctx.calendar,
    )
    counts["pals"] += 1
    _add_issues(ctx, concern, [code])
    done = _working_after(ctx, received, rng.randint(1, 8))
    if done > ctx.today:
        return
    if rng.random() < 0.05:
        actions.escalate_pals_concern(
            acting_user=ctx.handler, concern=concern, escalated_on=done, calendar=ctx.calendar
        )
        counts["escalated"] += 1
    else:
        actions.close(acting_user=ctx.handler, complaint=concern, closed_on=done)


def _oral(ctx: _Context, received: Date, counts: dict[str, int]) -> None:
    rng = ctx.rng
    service, sites = ctx.services[rng.randrange(len(ctx.services))]
    code = rng.choice(("communications", "appointments", "values_behaviours"))
    case = actions.record_complaint(
        acting_user=ctx.handler,
        kind="oral_resolved",
        channel="phone",
        received_on=received,
        resolved_on=received,
        service=service,
        site=rng.choice(sites) if sites else None,
        summary=rng.choice(SUBJECTS[code][1]),
        complainant=_person(rng),
        handler=ctx.handler,
        calendar=ctx.calendar,
    )
    counts["oral"] += 1
    assert case.status == Status.CLOSED


def _waiting_online(ctx: _Context) -> None:
    """Complaints made online today that nobody handles yet: the triage queue's."""
    for _ in range(WAITING_ONLINE):
        service, _sites = ctx.services[ctx.rng.randrange(len(ctx.services))]
        code = ctx.rng.choice(list(SUBJECTS))
        actions.record_complaint(
            acting_user=None,
            channel="online",
            received_on=ctx.today,
            service=service,
            summary=ctx.rng.choice(SUBJECTS[code][1]),
            complainant=_person(ctx.rng),
            calendar=ctx.calendar,
        )


def load_demo(result: DemoResult, *, seed: int, cases_per_month: int = CASES_PER_MONTH) -> str:
    """Load the complaints history; return one line saying what was loaded.

    One transaction, in which each case's roll-up is counted once at the end
    rather than after each of the half-dozen actions that step it (rollup.deferred).
    """
    with transaction.atomic(), rollup.deferred():
        return _load(result, seed=seed, cases_per_month=cases_per_month)


def _load(result: DemoResult, *, seed: int, cases_per_month: int) -> str:
    ctx = _context(result, seed)
    if not ctx.services:
        return "Complaints: no services in the demo trust, nothing loaded"
    counts = dict.fromkeys(
        ("complaints", "pals", "oral", "escalated", "answered", "missing_learning", "reopened"),
        0,
    )
    counts["phso"] = 0
    first_month = ctx.today.replace(day=1)
    for _ in range(MONTHS - 1):
        first_month = (first_month - datetime.timedelta(days=1)).replace(day=1)
    for month in range(MONTHS):
        start = first_month
        for _ in range(month):
            start = (start + datetime.timedelta(days=32)).replace(day=1)
        days = [
            start + datetime.timedelta(days=d)
            for d in range(31)
            if (start + datetime.timedelta(days=d)).month == start.month
            and start + datetime.timedelta(days=d) <= ctx.today
            and ctx.calendar.is_working_day(start + datetime.timedelta(days=d))
        ]
        if not days:
            continue
        n = max(1, cases_per_month + ctx.rng.randint(-cases_per_month // 8, cases_per_month // 8))
        if ctx.today.replace(day=1) == start:
            n = max(1, n * len(days) // 21)
        for received in sorted(ctx.rng.choice(days) for _ in range(n)):
            roll = ctx.rng.random()
            with transaction.atomic():
                try:
                    if roll < 0.45:
                        _formal(ctx, month, received, counts)
                    elif roll < 0.95:
                        _pals(ctx, received, counts)
                    else:
                        _oral(ctx, received, counts)
                except ValidationError as error:  # pragma: no cover - a rule the demo missed
                    raise RuntimeError(f"complaints demo: {error.messages}") from error
    # What the daily job would have done: a late response letter task for every
    # open case past its date or its six months (regulation 14(2)).
    late = actions.open_late_response_tasks(acting_user=None, today=ctx.today)
    with transaction.atomic():
        _waiting_online(ctx)
    return (
        f"Complaints: {counts['complaints']} formal complaints ({counts['answered']} answered, "
        f"{counts['missing_learning']} with learning missing, {counts['reopened']} reopened, "
        f"{counts['phso']} with the Ombudsman), {counts['pals']} PALS concerns "
        f"({counts['escalated']} escalated), {counts['oral']} resolved orally, "
        f"{WAITING_ONLINE} made online today waiting for a handler; "
        f"{len(late)} late response letters to send"
    )
