"""Reads of the BAF as the board uses it: each principal risk beside its category's
appetite and its movement since the last review, the 5x5 heat map of current scores,
the descriptor tables in force, and "my work" for risk owners whose review is due.

Reference: /work/shared/reference/governance-and-involvement.md §2.1 (matrix and
descriptor tables), §2.2 (score history with trend, review dates), §2.3 (movement
since last review) and §2.4 (appetite with tolerance as a maximum score)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.strategy import access, matrix, queries
from wellled.strategy.models import (
    Axis,
    Descriptor,
    PrincipalRisk,
    RiskAppetite,
    RiskCategory,
    RiskScore,
)

# An owner sees a review in "my work" this many days before it falls due, so the
# evidence can be gathered before the committee meets (a local choice, not a rule).
REVIEW_NOTICE_DAYS = 14


def current_appetites() -> dict[str, RiskAppetite]:
    """The latest statement for each category (earlier ones are history)."""
    latest: dict[str, RiskAppetite] = {}
    for appetite in RiskAppetite.objects.select_related("set_by"):
        latest.setdefault(appetite.category, appetite)  # ordered newest first
    return latest


@dataclass(frozen=True)
class DescriptorRow:
    level: int
    name: str
    description: str


@dataclass(frozen=True)
class DescriptorTable:
    axis: str
    label: str
    version: int | None  # None: no table adopted yet, the matrix's names stand in
    adopted_on: datetime.date | None
    rows: list[DescriptorRow]


def descriptor_tables() -> list[DescriptorTable]:
    """The version in force of each table: likelihood, then consequence."""
    versions = dict(
        Descriptor.objects.values("axis").annotate(v=Max("version")).values_list("axis", "v")
    )
    wanted = [
        d
        for d in Descriptor.objects.filter(axis__in=list(versions))
        if d.version == versions[d.axis]
    ]
    tables = []
    for axis, names in (
        (Axis.LIKELIHOOD, matrix.LIKELIHOOD),
        (Axis.CONSEQUENCE, matrix.CONSEQUENCE),
    ):
        rows = sorted((d for d in wanted if d.axis == axis), key=lambda d: d.level)
        if rows:
            table_rows = [DescriptorRow(d.level, d.name, d.description) for d in rows]
            tables.append(
                DescriptorTable(axis, axis.label, rows[0].version, rows[0].adopted_on, table_rows)
            )
        else:
            fallback = [DescriptorRow(level, name, "") for level, name in names.items()]
            tables.append(DescriptorTable(axis, axis.label, None, None, fallback))
    return tables


@dataclass
class RiskRow:
    """A principal risk as the register and the paper show it."""

    risk: PrincipalRisk
    appetite: RiskAppetite | None
    history: list[RiskScore] = field(default_factory=list)

    @property
    def above_appetite(self) -> bool:
        return self.appetite is not None and self.risk.current_score > self.appetite.max_score

    @property
    def target_outside_appetite(self) -> bool:
        return self.appetite is not None and self.risk.target_score > self.appetite.max_score

    @property
    def previous_score(self) -> int | None:
        return self.history[1].score if len(self.history) > 1 else None

    @property
    def movement(self) -> str:
        """Since the last review: up (worse), down (better), unchanged, or new."""
        previous = self.previous_score
        if previous is None:
            return "new"
        current = self.risk.current_score
        return "up" if current > previous else "down" if current < previous else "unchanged"

    @property
    def review_overdue(self) -> bool:
        due = self.risk.next_review_on
        return due is not None and due < timezone.localdate()


@dataclass(frozen=True)
class Filters:
    category: str = ""
    band: str = ""
    above_appetite: bool = False

    @classmethod
    def from_query(cls, query: dict[str, str]) -> Filters:
        category = query.get("category", "")
        band = query.get("band", "")
        return cls(
            category=category if category in RiskCategory.values else "",
            band=band if band in {b.name for b in matrix.DEFAULT_BANDS} else "",
            above_appetite=query.get("above") == "1",
        )


def risk_rows(user: AnyUser, filters: Filters | None = None) -> list[RiskRow]:
    """The register: every principal risk the reader may see, with its appetite."""
    risks = queries.risks_visible_to(user)
    filters = filters or Filters()
    if filters.category:
        risks = risks.filter(category=filters.category)
    appetites = current_appetites()
    rows = [
        RiskRow(risk=risk, appetite=appetites.get(risk.category), history=list(risk.scores.all()))
        for risk in risks
    ]
    if filters.band:
        rows = [row for row in rows if row.risk.current_band == filters.band]
    if filters.above_appetite:
        rows = [row for row in rows if row.above_appetite]
    return rows


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    consequence: int
    score: int
    band: str
    risks: list[PrincipalRisk]


def heat_map(rows: list[RiskRow]) -> list[list[HeatCell]]:
    """The 5x5 grid of current scores, likelihood 5 at the top as the matrix is drawn
    (reference §2.1); each cell names its risks, so nothing relies on colour."""
    grid = []
    for likelihood in sorted(matrix.LIKELIHOOD, reverse=True):
        line = []
        for consequence in matrix.CONSEQUENCE:
            value = likelihood * consequence
            held = [
                row.risk
                for row in rows
                if (row.risk.current_likelihood, row.risk.current_consequence)
                == (likelihood, consequence)
            ]
            line.append(HeatCell(likelihood, consequence, value, matrix.band(value), held))
        grid.append(line)
    return grid


def baf_work(user: AnyUser) -> list[WorkItem]:
    """ "My work": principal risks the user owns whose review is due within the notice."""
    if not user.is_authenticated or not access.may_view_baf(user):
        return []
    horizon = timezone.localdate() + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    due = PrincipalRisk.objects.filter(owner_id=user.pk, next_review_on__lte=horizon).order_by(
        "next_review_on", "reference"
    )
    return [
        WorkItem(
            title=f"Review principal risk {risk.reference}: {risk.title}",
            href=reverse("strategy:risk_rescore", args=[risk.pk]),
            module="Board Assurance Framework",
            due=risk.next_review_on,
            detail=f"Current score {risk.current_score} ({risk.current_band})",
        )
        for risk in due
    ]
