"""The demo trust's Board Assurance Framework: descriptor tables, the board's risk
appetite, five principal risks with controls, assurances, score history and an
action, and one risk whose review falls due soon (the executive's "my work").

The descriptors paraphrase NPSA (2008) "A risk matrix for risk managers" as trusts
commonly adopt it (reference §2.1 marks the NPSA tables as background, not checked
against the source); the appetite levels follow GGI's five (reference §2.4)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from wellled.improvement.actions import raise_action
from wellled.reports.models import Metric
from wellled.strategy import actions
from wellled.strategy.improvement_source import RISK_KIND
from wellled.strategy.models import Objective, PrincipalRisk

LIKELIHOOD = [
    ("Rare", "Not expected to happen for years; will probably never happen"),
    ("Unlikely", "Expected about once a year; not expected, but possible"),
    ("Possible", "Expected about monthly; might happen occasionally"),
    ("Likely", "Expected about weekly; will probably happen, not a persisting issue"),
    ("Almost certain", "Expected daily; will undoubtedly happen, possibly often"),
]
CONSEQUENCE = [
    ("Negligible", "Minimal harm needing no or minimal intervention; no impact on service"),
    ("Minor", "Minor harm needing minor intervention; short disruption to a service"),
    ("Moderate", "Moderate harm needing professional intervention; some loss of service"),
    ("Major", "Major harm leading to long-term incapacity; sustained loss of service"),
    ("Catastrophic", "Death or permanent harm to several people; loss of a service"),
]
# (category, level, highest score tolerated, statement)
APPETITE = (
    ("quality", "minimal", 8, "We accept little risk to the safety of care."),
    ("finance", "cautious", 12, "We accept some financial risk for better value."),
    ("workforce", "open", 12, "We will try new roles and ways of working."),
    ("compliance", "averse", 6, "We do not accept breaches of regulation."),
    ("reputation", "cautious", 9, "We accept some risk where patients benefit."),
)
# (reference, title, objective, category, inherent, current, target)
RISKS = (
    (
        "SR1",
        "Demand outstrips capacity in community mental health",
        0,
        "quality",
        (4, 4),
        (4, 4),
        (2, 4),
    ),
    ("SR2", "Restrictive practice does not fall", 1, "quality", (4, 5), (3, 5), (2, 4)),
    ("SR3", "We cannot keep experienced staff", 2, "workforce", (5, 4), (4, 4), (3, 3)),
    ("SR4", "Agency spend erodes the financial plan", 3, "finance", (4, 4), (3, 4), (2, 3)),
    (
        "SR5",
        "Priorities are not understood by frontline teams",
        0,
        "reputation",
        (4, 4),
        (3, 4),
        (2, 2),
    ),
)


def _tables_and_appetite(governance: User, today: datetime.date) -> None:
    adopted = today - datetime.timedelta(days=200)
    actions.adopt_descriptors(
        acting_user=governance, axis="likelihood", rows=LIKELIHOOD, adopted_on=adopted
    )
    actions.adopt_descriptors(
        acting_user=governance, axis="consequence", rows=CONSEQUENCE, adopted_on=adopted
    )
    for category, level, max_score, statement in APPETITE:
        actions.set_risk_appetite(
            acting_user=governance,
            category=category,
            level=level,
            max_score=max_score,
            statement=statement,
            approved_on=today - datetime.timedelta(days=150),
        )


def _risk(
    spec: tuple,
    index: int,
    users: dict[str, User],
    objectives: list[Objective],
    evidence: list[Metric],
    today: datetime.date,
) -> PrincipalRisk:
    ref, title, theme, category, inherent, current, target = spec
    return actions.create_principal_risk(
        acting_user=users["governance"],
        reference=ref,
        title=title,
        cause="Demand and vacancies above plan",
        event=title,
        effect="Patients wait longer and harm may follow",
        objective=objectives[theme],
        owner=users["executive"],
        committee="Quality and Safety Committee",
        category=category,
        assurance_rating="limited" if index % 2 == 0 else "reasonable",
        reviewed_on=today - datetime.timedelta(days=90 + index * 7),
        next_review_on=today + datetime.timedelta(days=30 + index * 14),
        metrics=[evidence[theme]] if theme < len(evidence) else [],
        inherent_likelihood=inherent[0],
        inherent_consequence=inherent[1],
        current_likelihood=current[0],
        current_consequence=current[1],
        target_likelihood=target[0],
        target_consequence=target[1],
    )


def _controls(risk: PrincipalRisk, governance: User) -> None:
    actions.add_control(
        acting_user=governance,
        risk=risk,
        description="Monthly deployment reviews in every cascaded team",
    )
    actions.add_control(
        acting_user=governance,
        risk=risk,
        is_gap=True,
        description="Four care groups have no driver metrics yet",
    )
    actions.add_assurance(
        acting_user=governance,
        risk=risk,
        line="1",
        description="Team driver metrics on SPC, reviewed monthly",
    )
    actions.add_assurance(
        acting_user=governance,
        risk=risk,
        line="2",
        positive=False,
        description="Quality committee deep dive found waits still rising",
    )
    actions.add_assurance(
        acting_user=governance,
        risk=risk,
        line="3",
        is_gap=True,
        description="No internal audit of the cascade yet",
    )


def load_baf(users: dict[str, User], objectives: list[Objective], evidence: list[Metric]) -> int:
    executive, governance = users["executive"], users["governance"]
    today = timezone.localdate()
    _tables_and_appetite(governance, today)
    risks = [_risk(spec, i, users, objectives, evidence, today) for i, spec in enumerate(RISKS)]
    for risk in risks:
        _controls(risk, governance)
    # SR1 got worse at its last review and is due again soon; SR3 got better.
    sr1, sr3 = risks[0], risks[2]
    actions.rescore_risk(
        acting_user=executive,
        risk=sr1,
        reason="Referrals up a fifth since the summer",
        next_review_on=today + datetime.timedelta(days=7),
        current_likelihood=5,
        current_consequence=4,
        target_likelihood=2,
        target_consequence=4,
    )
    actions.rescore_risk(
        acting_user=executive,
        risk=sr3,
        reason="Turnover down for three months running",
        next_review_on=today + datetime.timedelta(days=60),
        current_likelihood=3,
        current_consequence=4,
        target_likelihood=3,
        target_consequence=3,
    )
    raise_action(
        acting_user=executive,
        source_kind=RISK_KIND,
        source_id=str(sr1.pk),
        title="Open a second single point of access team",
        owner=executive,
        executive=executive,
        due_on=today + datetime.timedelta(days=90),
        description="Closes the gap in control on triage capacity",
    )
    return len(risks)
