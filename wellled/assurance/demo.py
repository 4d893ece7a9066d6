"""Demo data for CQC assurance: two well-led rounds, an evidence library, a service round.

Everything is written through `wellled.assurance.actions` by the demo personas. They
tell the way back from CQC's July 2025 well-led inspection (44%, Requires improvement,
"shared direction and culture" and "governance, management and sustainability" scored 1;
see wellled/inspections/demo.py). The first round since (closed) lifts both to 2 on the
evidence of the new strategy and board report: 53%, still Requires improvement. The
second (open) is better again and sits on the 62.5% boundary, so the boundary flag shows;
the well-led page shows CQC's Requires improvement first and this round as an estimate,
not CQC's. Several
evidence items are past their review date, so their owners see them in "my work".
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wellled.assurance import actions, frameworks
from wellled.assurance.models import AssessmentRound, EvidenceItem
from wellled.organisation.demo import DemoResult
from wellled.organisation.models import OrgUnit, Role, RoleAssignment, UnitKind
from wellled.reports.sources import all_sources

# statement id -> demo persona who owns it
WELL_LED_OWNERS = {
    "shared-direction-and-culture": "executive",
    "capable-compassionate-and-inclusive-leaders": "executive",
    "freedom-to-speak-up": "guardian",
    "workforce-equality-diversity-and-inclusion": "edi",
    "governance-management-and-sustainability": "governance",
    "partnerships-and-communities": "involvement",
    "learning-improvement-and-innovation": "complaints.manager",
    "environmental-sustainability": "executive",
}
FIRST_ROUND = {
    "shared-direction-and-culture": 2,
    "capable-compassionate-and-inclusive-leaders": 2,
    "freedom-to-speak-up": 2,
    "workforce-equality-diversity-and-inclusion": 2,
    "governance-management-and-sustainability": 2,
    "partnerships-and-communities": 3,
    "learning-improvement-and-innovation": 2,
    "environmental-sustainability": 2,
}
# Environmental sustainability is left unscored and carries 2 from the previous rating.
SECOND_ROUND = {
    "shared-direction-and-culture": 3,
    "capable-compassionate-and-inclusive-leaders": 2,
    "freedom-to-speak-up": 3,
    "workforce-equality-diversity-and-inclusion": 2,
    "governance-management-and-sustainability": 3,
    "partnerships-and-communities": 3,
    "learning-improvement-and-innovation": 2,
}

# (title, kind, statement, categories, owner, age in days, review in days from today)
EVIDENCE: tuple[tuple[str, str, str, tuple[str, ...], str, int, int], ...] = (
    (
        "Trust strategy 2025-2030 and annual plan",
        "link",
        "shared-direction-and-culture",
        ("processes",),
        "executive",
        300,
        60,
    ),
    (
        "Board development programme: session notes",
        "note",
        "capable-compassionate-and-inclusive-leaders",
        ("feedback-from-staff-and-leaders",),
        "executive",
        400,
        -35,
    ),
    (
        "Freedom to Speak Up guardian report to the board",
        "document",
        "freedom-to-speak-up",
        ("feedback-from-staff-and-leaders", "processes"),
        "guardian",
        90,
        90,
    ),
    (
        "Speak-up champions network: terms of reference",
        "note",
        "freedom-to-speak-up",
        ("processes",),
        "guardian",
        500,
        -120,
    ),
    (
        "WRES and WDES action plan",
        "document",
        "workforce-equality-diversity-and-inclusion",
        ("outcomes", "processes"),
        "edi",
        200,
        -10,
    ),
    (
        "Board assurance framework, quarter 2",
        "link",
        "governance-management-and-sustainability",
        ("processes",),
        "governance",
        60,
        30,
    ),
    (
        "Ward to board quality reporting review",
        "note",
        "governance-management-and-sustainability",
        ("processes", "outcomes"),
        "governance",
        420,
        -60,
    ),
    (
        "Place partnership agreement with the integrated care board",
        "link",
        "partnerships-and-communities",
        ("feedback-from-partners",),
        "involvement",
        150,
        120,
    ),
    (
        "Learning from complaints: quarterly themes",
        "document",
        "learning-improvement-and-innovation",
        ("peoples-experience", "outcomes"),
        "complaints.manager",
        45,
        45,
    ),
    (
        "Green plan progress report",
        "note",
        "environmental-sustainability",
        ("outcomes",),
        "executive",
        380,
        -20,
    ),
)


def _document(title: str) -> SimpleUploadedFile:
    text = f"{title}\nSummary prepared for the evidence library.\nStatus,Count\nOpen,3\nClosed,12\n"
    name = title.lower().replace(" ", "-").replace(":", "").replace(",", "")[:60] + ".csv"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _service_lead_unit(result: DemoResult) -> OrgUnit | None:
    lead = result.users.get("service.lead")
    if lead is None:
        return None
    grant = (
        RoleAssignment.objects.filter(
            user=lead, role=Role.SERVICE_LEAD, unit__kind=UnitKind.SERVICE
        )
        .select_related("unit")
        .first()
    )
    return grant.unit if grant else None


def _add_evidence(result: DemoResult, today: datetime.date) -> dict[str, list[EvidenceItem]]:
    by_statement: dict[str, list[EvidenceItem]] = {}
    for title, kind, statement, categories, owner_name, age, review_in in EVIDENCE:
        owner = result.users[owner_name]
        item = actions.add_evidence(
            acting_user=owner,
            kind=kind,
            title=title,
            unit=result.trust,
            statement_ids=[statement],
            category_ids=list(categories),
            owner=owner,
            evidence_date=today - datetime.timedelta(days=age),
            review_date=today + datetime.timedelta(days=review_in),
            description=f"{title}: summary for the board." if kind == "note" else "",
            url=f"https://intranet.example.nhs.uk/evidence/{statement}" if kind == "link" else "",
            upload=_document(title) if kind == "document" else None,
        )
        by_statement.setdefault(statement, []).append(item)
    # Live measures other modules registered, tagged where they speak to well-led.
    measure_homes = {
        "complaints": "learning-improvement-and-innovation",
        "speakup": "freedom-to-speak-up",
        "learning": "learning-improvement-and-innovation",
    }
    # The action loop's headline: are the trust's promised actions closed on time?
    headline = {"improvement.closed_on_time": "learning-improvement-and-innovation"}
    for source in all_sources():
        home = headline.get(source.key) or measure_homes.get(source.key.split(".")[0])
        if home is None:
            continue
        owner = result.users["governance"]
        item = actions.add_evidence(
            acting_user=owner,
            kind="measure",
            title=source.title,
            unit=result.trust,
            statement_ids=[home],
            category_ids=["outcomes"],
            owner=owner,
            evidence_date=today,
            review_date=today + datetime.timedelta(days=90),
            measure_key=source.key,
        )
        by_statement.setdefault(home, []).append(item)
    return by_statement


def _well_led_round(
    result: DemoResult,
    *,
    title: str,
    opened_on: datetime.date,
    scores: dict[str, int],
    evidence: dict[str, list[EvidenceItem]],
    previous: str | None,
) -> AssessmentRound:
    governance = result.users["governance"]
    round_ = actions.open_round(
        acting_user=governance,
        scope=result.trust,
        methodology_id="saf_2024_statements",
        title=title,
        opened_on=opened_on,
        previous_ratings={"well-led": previous} if previous else None,
    )
    for assessment in round_.statements.order_by("order"):
        owner = result.users[WELL_LED_OWNERS[assessment.statement_id]]
        actions.assign_owner(acting_user=governance, assessment=assessment, owner=owner)
        score = scores.get(assessment.statement_id)
        if score is None:
            continue
        actions.score_statement(
            acting_user=owner,
            assessment=assessment,
            score=score,
            rationale=_rationale(score, assessment.statement_id),
            evidence=evidence.get(assessment.statement_id, []),
        )
    return round_


# Why the statements CQC scored 1 in July 2025 are self-assessed higher since: the
# rationale names the evidence the score rests on.
WAY_BACK: dict[str, str] = {
    "shared-direction-and-culture": (
        "Scored 1 by CQC in July 2025: staff did not know the strategy. Since then the "
        "strategy was rewritten with staff and people who use services, and the staff "
        "survey shows more staff know it; not yet embedded in every care group."
    ),
    "governance-management-and-sustainability": (
        "Scored 1 by CQC in July 2025: the board lacked timely quality information. The "
        "board quality report now carries complaints themes and SPC charts; complaints "
        "timeliness is still at risk."
    ),
}


def _rationale(score: int, statement_id: str = "") -> str:
    if score > 1 and statement_id in WAY_BACK:
        return WAY_BACK[statement_id]
    return {
        1: "Significant shortfalls: the evidence shows the statement is not met.",
        2: "Some shortfalls: arrangements exist but are not yet embedded across the trust.",
        3: "A good standard: the evidence shows this working consistently.",
        4: "An exceptional standard, with evidence of impact shared beyond the trust.",
    }[score]


def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(f"assurance-{seed}")
    today = timezone.localdate()
    governance = result.users["governance"]
    evidence = _add_evidence(result, today)

    first_opened = today - datetime.timedelta(days=180)
    first_round = _well_led_round(
        result,
        title=f"Well-led self-assessment, {first_opened:%B %Y}",
        opened_on=first_opened,
        scores=FIRST_ROUND,
        evidence=evidence,
        previous="Requires improvement",
    )
    actions.close_round(
        acting_user=governance,
        round_=first_round,
        closed_on=today - datetime.timedelta(days=150),
    )
    second_opened = today - datetime.timedelta(days=20)
    _well_led_round(
        result,
        title=f"Well-led self-assessment, {second_opened:%B %Y}",
        opened_on=second_opened,
        scores=SECOND_ROUND,
        evidence=evidence,
        previous="Requires improvement",
    )

    # Last year's board assurance framework, superseded: retired, kept for the audit.
    old_framework = actions.add_evidence(
        acting_user=governance,
        kind="note",
        title="Board assurance framework 2024-25",
        unit=result.trust,
        statement_ids=["governance-management-and-sustainability"],
        category_ids=["processes"],
        owner=governance,
        evidence_date=today - datetime.timedelta(days=400),
        review_date=today - datetime.timedelta(days=35),
        description="The board assurance framework as it stood for 2024-25.",
    )
    actions.retire_evidence(
        acting_user=governance,
        item=old_framework,
        reason="Superseded by the 2025-26 board assurance framework",
    )

    service = _service_lead_unit(result)
    service_note = ""
    if service is not None:
        lead: User = result.users["service.lead"]
        methodology = frameworks.get_framework("saf_2024_statements")
        round_ = actions.open_round(
            acting_user=governance,
            scope=service,
            methodology_id=methodology.id,
            title=f"{service.name}: self-assessment",
            opened_on=today - datetime.timedelta(days=14),
            previous_ratings={kq.id: "Good" for kq in methodology.key_questions},
        )
        for assessment in round_.statements.order_by("order"):
            actions.assign_owner(acting_user=governance, assessment=assessment, owner=lead)
            # About four in five scored so far; the rest carry the previous Good.
            if rng.random() < 0.8:
                score = rng.choice((2, 3, 3, 3, 4))
                actions.score_statement(
                    acting_user=lead,
                    assessment=assessment,
                    score=score,
                    rationale=_rationale(score),
                )
        service_note = f", a service round for {service.name}"
    current = EvidenceItem.objects.filter(retired_on__isnull=True)
    stale = current.filter(unit=result.trust, review_date__lt=today).count()
    return (
        f"CQC assurance: 2 well-led rounds{service_note}, "
        f"{current.count()} evidence items ({stale} past review, 1 retired)"
    )
