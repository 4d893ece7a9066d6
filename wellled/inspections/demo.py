"""Demo data: the CQC well-led inspection of the demo trust and its action plan.

CQC inspected the trust's leadership in spring 2025 and published its report in
July 2025: well-led scored 44% (14 of 32) and was rated Requires improvement, with
"shared direction and culture" scored 1. Its must-do and should-do actions
(complaints timeliness and learning, board information, speaking up,
co-production, equality for staff, visible leadership, strategy) sit at every
stage: signed off, done and waiting for sign-off, on track, at risk, overdue and
not started. An internal mock inspection of one service follows in 2026.

Everything is written through wellled.inspections.actions, and the actions that
answer the findings through wellled.improvement.actions. Due dates are set
relative to the day the demo is loaded, so the stages hold whenever it is run;
the same seed on the same day gives the same data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wellled.engines.ratings import score_key_question
from wellled.improvement import actions as improvement_actions
from wellled.improvement.models import Action, Status
from wellled.inspections import actions
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import Inspection
from wellled.organisation.demo import DemoResult
from wellled.organisation.models import OrgUnit, UnitKind

D = datetime.date
METHODOLOGY = "saf_2024_statements"

# The well-led statement scores in the July 2025 report: 14 of 32, 43.75%, published as
# 44%, Requires improvement. "Shared direction and culture" (no strategy staff knew or
# believed in) and "governance, management and sustainability" (the Regulation 17
# must-dos) are scored 1: with every other statement at 2, two statements at 1 are what
# 14 of 32 takes. A statement scored 1 is commonly reported to limit the key question to
# Requires improvement at best (docs/engines/ratings.md, "Limiters"); the band already
# gives Requires improvement, so that limiter changes nothing here.
WELL_LED_SCORES: dict[str, int] = {
    "shared-direction-and-culture": 1,
    "capable-compassionate-and-inclusive-leaders": 2,
    "freedom-to-speak-up": 2,
    "workforce-equality-diversity-and-inclusion": 2,
    "governance-management-and-sustainability": 1,
    "partnerships-and-communities": 2,
    "learning-improvement-and-innovation": 2,
    "environmental-sustainability": 2,
}
WELL_LED_LIMITERS = ("statement_scored_1",)

_REG16 = "Regulation 16: Receiving and acting on complaints"
_REG17 = "Regulation 17: Good governance"


@dataclass(frozen=True)
class _Update:
    days_ago: int
    status: str
    note: str


@dataclass(frozen=True)
class _Plan:
    kind: str
    reference: str
    regulation: str
    text: str
    statements: tuple[str, ...]
    title: str
    owner: str
    due_in_days: int
    milestones: tuple[tuple[str, int, int | None], ...]  # title, due in days, met days ago
    updates: tuple[_Update, ...] = ()
    evidence: tuple[tuple[str, str, str], ...] = ()  # kind, title, url or note
    signed_off_by: str = ""
    sign_off_note: str = ""
    done_days_ago: int | None = None


_WELL_LED_PLANS: tuple[_Plan, ...] = (
    _Plan(
        "must_do",
        "MD1",
        _REG16,
        "The trust must ensure that complaints are acknowledged and answered within the "
        "timescales agreed with complainants, and that people are kept informed when a "
        "response will be late.",
        ("governance-management-and-sustainability", "learning-improvement-and-innovation"),
        "Complaints answered within agreed timescales",
        "complaints.manager",
        45,
        (
            ("Weekly timeliness huddle in every care group", -120, 110),
            ("Backlog of cases over 6 months closed", -20, None),
            ("Two months at 80% or more answered on time", 40, None),
        ),
        (
            _Update(
                150,
                Status.ON_TRACK,
                "Weekly huddles started in all six care groups. Backlog down from 84 to 51.",
            ),
            _Update(
                12,
                Status.AT_RISK,
                "Backlog closure slipped: two investigating officers on long-term leave. "
                "Agency cover requested; 62% answered on time last month.",
            ),
        ),
    ),
    _Plan(
        "must_do",
        "MD2",
        _REG17,
        "The trust must ensure that the board receives timely and accurate information "
        "about the quality of services, including themes from complaints, and that it "
        "acts on that information.",
        ("governance-management-and-sustainability",),
        "Board quality report with complaints themes and SPC charts",
        "governance",
        -20,
        (
            ("Integrated quality report redesigned with SPC charts", -90, 85),
            ("Complaints themes in every public board quality report", -25, None),
        ),
        (
            _Update(
                60,
                Status.ON_TRACK,
                "New report format agreed by the quality committee; first edition in "
                "the autumn board papers.",
            ),
        ),
    ),
    _Plan(
        "must_do",
        "MD3",
        _REG17,
        "The trust must ensure that staff feel safe to speak up, that concerns raised "
        "through Freedom to Speak Up are dealt with in a timely way, and that people who "
        "speak up receive feedback.",
        ("freedom-to-speak-up", "shared-direction-and-culture"),
        "Speaking up: timely handling and feedback",
        "guardian",
        -30,
        (
            ("Speak-up champions in every care group", -150, 160),
            ("Feedback given on every closed case", -80, 70),
        ),
        (
            _Update(120, Status.ON_TRACK, "Twenty-two champions trained across the care groups."),
            _Update(
                40,
                Status.DONE,
                "All cases closed this quarter had feedback recorded; median time to "
                "first contact 3 working days. Board reviewed the guardian's report.",
            ),
        ),
        (
            ("link", "Guardian's report to the public board", "https://example.org/board-papers"),
            (
                "note",
                "Case handling audit",
                "Audit of all 38 closed cases: feedback recorded in every case. Held by "
                "the Freedom to Speak Up Guardian.",
            ),
        ),
        signed_off_by="executive",
        sign_off_note="Reviewed the audit and the board report. Assured.",
        done_days_ago=40,
    ),
    _Plan(
        "should_do",
        "SD1",
        "",
        "The trust should work with people who use its services, carers and local "
        "communities to co-produce service improvements and the refresh of its strategy.",
        ("partnerships-and-communities", "shared-direction-and-culture"),
        "Co-production of service improvements and the strategy",
        "involvement",
        120,
        (
            ("Co-production charter agreed with the people's council", -60, 55),
            ("Two improvement projects co-produced and evaluated", 90, None),
        ),
        (
            _Update(
                30,
                Status.ON_TRACK,
                "Charter signed; lived-experience partners paid for their time from April.",
            ),
        ),
    ),
    _Plan(
        "should_do",
        "SD2",
        "",
        "The trust should take action to tackle discrimination and improve the experience "
        "of staff from ethnic minority backgrounds, as its WRES and staff survey results show.",
        ("workforce-equality-diversity-and-inclusion",),
        "Tackling discrimination and improving equality for staff",
        "edi",
        30,
        (
            ("Reverse mentoring for every executive", -100, 95),
            ("Inclusive recruitment panels for band 7 and above", -30, 35),
        ),
        (
            _Update(80, Status.ON_TRACK, "Reverse mentoring pairs in place for all executives."),
            _Update(
                7,
                Status.DONE,
                "Inclusive panels used for every band 7+ appointment since June; "
                "shortlisting disparity ratio improved from 1.6 to 1.2.",
            ),
        ),
        (
            (
                "note",
                "WRES indicator 2 analysis",
                "Shortlisting-to-appointment analysis for April to September, held by the "
                "EDI team.",
            ),
        ),
        done_days_ago=7,
    ),
    _Plan(
        "should_do",
        "SD3",
        "",
        "The trust should ensure that senior leaders are visible and accessible to "
        "frontline staff at all of its sites.",
        ("capable-compassionate-and-inclusive-leaders",),
        "Visible leadership at every site",
        "executive",
        90,
        (("Executive visit programme covering every site", 60, None),),
        (
            _Update(
                20,
                Status.ON_TRACK,
                "Visit rota published; 31 of 56 sites visited since July.",
            ),
        ),
    ),
    _Plan(
        "should_do",
        "SD4",
        "",
        "The trust should refresh its strategy with clear, measurable objectives and make "
        "sure staff understand how their work contributes to it.",
        ("shared-direction-and-culture",),
        "Strategy refresh with measurable objectives",
        "governance",
        180,
        (("Strategy engagement events planned", 100, None),),
    ),
    _Plan(
        "should_do",
        "SD5",
        "",
        "The trust should ensure that learning from complaints is shared with frontline "
        "teams and that changes made are checked for their effect.",
        ("learning-improvement-and-innovation",),
        "Learning from complaints shared with frontline teams",
        "service.lead",
        60,
        (
            ("Learning bulletin to every team each month", -10, None),
            ("Re-audit of changes made after complaints", 50, None),
        ),
        (
            _Update(
                25,
                Status.ON_TRACK,
                "First two bulletins out; team meetings have a standing learning item.",
            ),
        ),
    ),
)


def _service(result: DemoResult) -> OrgUnit:
    service = (
        OrgUnit.objects.filter(
            kind=UnitKind.SERVICE,
            name="Adult community mental health",
            path__startswith=result.trust.path,
        )
        .order_by("path")
        .first()
    )
    return service or result.trust


def _raised_on(inspection: Inspection, spec: _Plan, today: D) -> D:
    """The day the action was raised: when the report came (or the visit ended), or
    earlier if the story dates anything before that."""
    day = inspection.report_published_on or inspection.ended_on or inspection.started_on
    dates = [today + datetime.timedelta(days=spec.due_in_days)]
    dates += [today + datetime.timedelta(days=due) for _, due, _ in spec.milestones]
    dates += [today - datetime.timedelta(days=u.days_ago) for u in spec.updates]
    dates += [today - datetime.timedelta(days=ago) for _, _, ago in spec.milestones if ago]
    if spec.evidence:
        dates.append(today - datetime.timedelta(days=(spec.done_days_ago or 0) + 2))
    return min([day, *dates])


def _record_plan(
    inspection: Inspection,
    spec: _Plan,
    users: dict[str, User],
    governance: User,
    today: D,
) -> Action:
    finding = actions.add_finding(
        acting_user=governance,
        inspection=inspection,
        kind=spec.kind,
        reference=spec.reference,
        regulation=spec.regulation,
        text=spec.text,
        statement_ids=list(spec.statements),
    )
    action = improvement_actions.raise_action(
        acting_user=governance,
        source_kind=KIND,
        source_id=str(finding.pk),
        title=spec.title,
        owner=users[spec.owner],
        due_on=today + datetime.timedelta(days=spec.due_in_days),
        milestones=[
            (title, today + datetime.timedelta(days=due)) for title, due, _ in spec.milestones
        ],
        raised_on=_raised_on(inspection, spec, today),
    )
    owner = users[spec.owner]
    met = {title: ago for title, _, ago in spec.milestones if ago is not None}
    for milestone in action.milestones.all():
        if milestone.title in met:
            improvement_actions.complete_milestone(
                acting_user=owner,
                milestone=milestone,
                done_on=today - datetime.timedelta(days=met[milestone.title]),
            )
    for kind, title, detail in spec.evidence:
        improvement_actions.add_evidence(
            acting_user=owner,
            action=action,
            kind=kind,
            title=title,
            statement_ids=list(spec.statements),
            url=detail if kind == "link" else "",
            description=detail if kind == "note" else "",
            evidence_date=today - datetime.timedelta(days=(spec.done_days_ago or 0) + 2),
        )
    for update in spec.updates:
        written_on = today - datetime.timedelta(days=update.days_ago)
        if update.status == Status.DONE:
            improvement_actions.complete_action(
                acting_user=owner, action=action, note=update.note, done_on=written_on
            )
        else:
            improvement_actions.record_progress(
                acting_user=owner,
                action=action,
                note=update.note,
                status=update.status,
                written_on=written_on,
            )
    if spec.signed_off_by:
        improvement_actions.sign_off_action(
            acting_user=users[spec.signed_off_by], action=action, note=spec.sign_off_note
        )
    action.refresh_from_db()
    return action


@transaction.atomic
def load_demo(result: DemoResult, *, seed: int) -> str:
    """Record the demo trust's well-led inspection, its action plan and a mock inspection."""
    del seed  # the story is fixed; nothing in it is drawn at random
    users = result.users
    governance = users["governance"]
    today = timezone.localdate()

    check = score_key_question(WELL_LED_SCORES, methodology=METHODOLOGY, limiters=WELL_LED_LIMITERS)
    if (check.published_percentage, str(check.rating)) != (44, "Requires improvement"):
        raise RuntimeError(
            f"The demo's well-led scores give {check.published_percentage}%, {check.rating}, "
            "not the story's 44%, Requires improvement"
        )
    well_led = actions.record_inspection(
        acting_user=governance,
        kind="cqc_inspection",
        title="CQC well-led inspection 2025",
        methodology=METHODOLOGY,
        scope=result.trust,
        started_on=D(2025, 3, 11),
        ended_on=D(2025, 4, 3),
        report_published_on=D(2025, 7, 16),
        report_url="https://www.cqc.org.uk/provider/RZZ",
    )
    actions.set_ratings(
        acting_user=governance,
        inspection=well_led,
        key_question_ratings={"well-led": str(check.rating)},
        statement_scores=dict(WELL_LED_SCORES),
    )
    plans = [_record_plan(well_led, spec, users, governance, today) for spec in _WELL_LED_PLANS]

    mock = actions.record_inspection(
        acting_user=governance,
        kind="mock_inspection",
        title="Mock inspection: adult community mental health, 2026",
        methodology=METHODOLOGY,
        scope=_service(result),
        started_on=D(2026, 2, 10),
        ended_on=D(2026, 2, 11),
    )
    safe_scores = dict.fromkeys(
        (
            "learning-culture",
            "safe-systems-pathways-and-transitions",
            "safeguarding",
            "involving-people-to-manage-risks",
            "safe-environments",
            "infection-prevention-and-control",
            "medicines-optimisation",
        ),
        3,
    )
    safe_scores["safe-and-effective-staffing"] = 2
    safe = score_key_question(safe_scores, methodology=METHODOLOGY)
    actions.set_ratings(
        acting_user=governance,
        inspection=mock,
        key_question_ratings={"safe": str(safe.rating)},
        statement_scores=dict(safe_scores),
    )
    mock_plan = _Plan(
        "should_do",
        "M1",
        "",
        "The team should make sure every care record holds a risk assessment reviewed "
        "within the last six months, written with the person.",
        ("involving-people-to-manage-risks",),
        "Risk assessments reviewed with the person",
        "service.lead",
        75,
        (("Caseload review of every risk assessment", 30, None),),
        (_Update(14, Status.ON_TRACK, "Caseload review under way: 140 of 310 records."),),
    )
    plans.append(_record_plan(mock, mock_plan, users, governance, today))

    signed = sum(1 for plan in plans if plan.signed_off_on is not None)
    waiting = sum(1 for plan in plans if plan.status == Status.DONE and plan.needs_sign_off)
    overdue = sum(1 for plan in plans if plan.is_overdue(today))
    at_risk = sum(1 for plan in plans if plan.status == Status.AT_RISK)
    return (
        f"Inspections: 2 inspections (well-led {check.published_percentage}%, "
        f"{check.rating}), {len(plans)} actions: {signed} signed off, "
        f"{waiting} awaiting sign-off, {at_risk} at risk, {overdue} overdue"
    )
