"""Demo data: Wellford's strategy, cascaded to the teams of two care groups.

The 2025 inspection found the trust's priorities were not understood or turned
into action ("shared direction and culture" scored 1). Since then the board set a
3-year strategy with four true-north themes and a breakthrough objective each.
Adult and older people's mental health and Children, young people and families
have cascaded them: their services and most of their teams hold 2 or 3 agreed
driver metrics, agreed through catchball (one team's proposal was returned and
proposed again; one still waits for its service lead). The other care groups have
none yet, so the board sees where the thread is broken. The persona team holds
monthly reviews; the latest is open, with an off-target metric that still needs
its countermeasure. A BAF of principal risks ties to the objectives.

Everything is written through wellled.strategy.actions and wellled.reports.actions.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wellled.organisation import actions as org_actions
from wellled.organisation.demo import DemoResult
from wellled.organisation.models import OrgUnit, Role, UnitKind
from wellled.reports import actions as report_actions
from wellled.reports.importing import RawRow
from wellled.reports.models import Metric
from wellled.strategy import actions
from wellled.strategy.baf_demo import load_baf
from wellled.strategy.models import Agreement, DriverMetric, Objective

D = datetime.date
MONTHS = 18
CASCADED = ("Adult and older people's mental health", "Children, young people and families")

THEMES = (
    (
        "Timely care",
        "Everyone seen within 4 weeks of referral by 2030",
        "Cut waits for a first appointment",
        "No one waits over 18 weeks by March 2028",
    ),
    (
        "Safe care",
        "Zero avoidable harm",
        "Reduce restrictive practice",
        "Restraint down by a third by March 2028",
    ),
    (
        "Our people",
        "The best place to work in the region",
        "Keep our people",
        "Staff turnover under 10% by March 2028",
    ),
    (
        "Best value",
        "Every pound spent on care",
        "Release time to care",
        "Agency spend halved by March 2028",
    ),
)
# (name, unit, better, target as a share of the usual level, theme index, mean, spread)
DRIVERS = (
    ("Referrals waiting over 18 weeks", "count", "decrease", 0.7, 0, 40.0, 4.0),
    ("Care plans reviewed on time", "%", "increase", 1.05, 1, 85.0, 3.0),
    ("Staff leaving in the last 12 months", "%", "decrease", 0.9, 2, 13.0, 0.8),
)
WATCH = ("Agency shifts filled", "count", "decrease", 1.0, 3, 25.0, 4.0)


def _months(end: datetime.date, count: int) -> list[datetime.date]:
    out = [end]
    while len(out) < count:
        out.insert(0, (out[0] - datetime.timedelta(days=1)).replace(day=1))
    return out


def _series(
    rng: random.Random,
    governance: User,
    unit: OrgUnit,
    spec: tuple,
    periods: list[datetime.date],
    *,
    drift: float = 0.0,
) -> Metric:
    name, measure, better, _share, _theme, mean, spread = spec
    metric = report_actions.create_metric(
        acting_user=governance,
        name=f"{name}: {unit.name}",
        slug=f"strategy-{unit.pk}-{name}"[:100],
        definition=f"{name}, counted monthly by {unit.name} and entered by the team",
        owner=governance,
        unit=measure,
        improvement=better,
        frequency="monthly",
        domain="well-led",
        service=unit,
    )
    rows = [
        RawRow(
            number=i + 1,
            metric=None,
            period=p.isoformat(),
            value=round(max(0.0, rng.gauss(mean + drift * max(0, i - 12), spread)), 1),
        )
        for i, p in enumerate(periods)
    ]
    report_actions.import_metric_values(acting_user=governance, rows=rows, metric=metric)
    return metric


def _agree_cascade(
    unit: OrgUnit,
    objectives: list[Objective],
    metrics: list[tuple[tuple, Metric]],
    proposer: User,
    owner: User,
    above: User,
) -> list[DriverMetric]:
    made = []
    for index, (spec, metric) in enumerate(metrics):
        kind = "watch" if spec is WATCH else "driver"
        target = round(spec[5] * spec[3], 1)
        driver = actions.propose_driver_metric(
            acting_user=proposer,
            unit=unit,
            objective=objectives[spec[4]],
            metric=metric,
            kind=kind,
            owner=owner,
            target=target,
        )
        if index == 0 and unit.kind == UnitKind.TEAM and unit.pk % 3 == 0:
            # Catchball, not a decree: the first offer was too timid, and came back.
            actions.reply_to_proposal(
                acting_user=above,
                driver=driver,
                decision=Agreement.RETURNED,
                comment="Stretch this: the service target needs every team to reach it",
            )
            driver = actions.propose_driver_metric(
                acting_user=proposer,
                unit=unit,
                objective=objectives[spec[4]],
                metric=metric,
                kind=kind,
                owner=owner,
                target=round(target * 0.9, 1),
                comment="Stretched after talking it through at our huddle",
                driver=driver,
            )
        actions.reply_to_proposal(
            acting_user=above, driver=driver, decision=Agreement.AGREED, comment=""
        )
        made.append(driver)
    return made


def _service_manager(admin: User, service: OrgUnit) -> User:
    """A service manager for a service the personas do not lead: catchball needs a
    proposer below and someone else above, so the executive can answer."""
    login, _password = org_actions.create_login(
        acting_user=admin,
        username=f"service.manager.{service.pk}",
        first_name="Service",
        last_name=f"Manager ({service.name})",
        email=f"service.manager.{service.pk}@example.nhs.uk",
    )
    org_actions.grant_role(acting_user=admin, user=login, role=Role.SERVICE_LEAD, unit=service)
    return login


def _reviews(unit: OrgUnit, lead: User, owner: User, periods: list[datetime.date]) -> int:
    held = 0
    for month in periods[-6:]:
        review = actions.open_review(acting_user=lead, unit=unit, month=month)
        held += 1
        if month == periods[-1]:
            break  # the latest review is still open: its countermeasure is the next step
        for item in review.items.filter(needs_countermeasure=True).select_related("driver__metric"):
            actions.record_countermeasure(
                acting_user=lead,
                item=item,
                problem=f"{item.driver.metric.name} at {item.latest_value} against {item.target}",
                root_cause="Two vacancies and a rise in urgent referrals",
                countermeasure=f"Weekly huddle on {item.driver.metric.name.split(':')[0].lower()}",
                owner=owner,
                raised_on=month + datetime.timedelta(days=35),
                due_on=month + datetime.timedelta(days=75),
            )
        actions.close_review(acting_user=lead, review=review, notes="Reviewed at the team huddle")
    return held


@transaction.atomic
def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(seed + 18)
    users = result.users
    executive, governance = users["executive"], users["governance"]
    lead, staff = users["service.lead"], users["staff"]
    today = timezone.localdate()
    periods = _months((today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1), MONTHS)
    objectives = []
    for position, (title, measure, objective, target) in enumerate(THEMES):
        theme = actions.create_theme(
            acting_user=executive, title=title, long_term_measure=measure, position=position
        )
        objectives.append(
            actions.create_objective(
                acting_user=executive,
                theme=theme,
                title=objective,
                target=target,
                executive=executive,
                starts_on=D(2025, 10, 1),
                ends_on=D(2028, 3, 31),
            )
        )
    persona_team = OrgUnit.objects.get(pk=staff.role_assignments.get().unit_id)
    evidence: list[Metric] = []
    teams_agreed = 0
    for care_group in OrgUnit.objects.filter(kind=UnitKind.CARE_GROUP, name__in=CASCADED):
        for service in care_group.children.filter(kind=UnitKind.SERVICE).order_by("name"):
            is_persona_service = service.pk == persona_team.parent_id
            manager = lead if is_persona_service else _service_manager(users["admin"], service)
            specs = [(s, _series(rng, governance, service, s, periods)) for s in DRIVERS[:2]]
            evidence.extend(m for _, m in specs)
            _agree_cascade(service, objectives, specs, manager, manager, executive)
            for number, team in enumerate(
                service.children.filter(kind=UnitKind.TEAM).order_by("name")
            ):
                if number % 4 == 3 and team != persona_team:
                    continue  # not every team has started: coverage shows it
                mine = team == persona_team
                specs = [
                    (
                        s,
                        _series(
                            rng,
                            governance,
                            team,
                            s,
                            periods,
                            drift=1.5 if mine and s is DRIVERS[0] else 0.0,
                        ),
                    )
                    for s in (*DRIVERS, WATCH)
                ]
                # The persona team's own nurse proposes to her service lead; elsewhere the
                # service manager proposes for the team and the executive answers.
                proposer, above = (staff, lead) if mine else (manager, executive)
                _agree_cascade(team, objectives, specs, proposer, proposer, above)
                teams_agreed += 1
    # One proposal waits in the service lead's catchball inbox.
    waiting = _series(
        rng,
        governance,
        persona_team,
        ("Carers contacted within 7 days", "%", "increase", 1.1, 0, 70.0, 5.0),
        periods,
    )
    actions.propose_driver_metric(
        acting_user=staff,
        unit=persona_team,
        objective=objectives[0],
        metric=waiting,
        kind="watch",
        owner=staff,
        target=80.0,
        comment="Families tell us this matters most",
    )
    reviews = _reviews(persona_team, lead, staff, periods)
    risks = load_baf(users, objectives, evidence)
    return (
        f"strategy: {len(THEMES)} true-north themes, {teams_agreed} teams with agreed driver "
        f"metrics, {reviews} reviews of {persona_team.name}, {risks} BAF risks"
    )
