"""Reads of the equality app: aggregates only, so one capability decides."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from wellled.core.types import AnyUser
from wellled.engines.equality import ReportRow, YearInputs, year_report
from wellled.engines.equality.inputs import year_inputs
from wellled.equality.access import may_view
from wellled.equality.improvement_source import KIND, source_id
from wellled.equality.models import EqualityYear
from wellled.improvement.models import Action
from wellled.improvement.queries import action_href, actions_by_source, actions_for_sources
from wellled.organisation.access import Cap, require


def years_visible_to(user: AnyUser) -> QuerySet[EqualityYear]:
    if not may_view(user):
        return EqualityYear.objects.none()
    return EqualityYear.objects.annotate(figure_count=Count("figures"))


def get_year_for_user(user: AnyUser, standard: str, year: int) -> EqualityYear:
    require(user, Cap.VIEW_EQUALITY)
    found = EqualityYear.objects.filter(standard=standard, year=year).first()
    if found is None:
        raise Http404("No figures for that standard and year")
    return found


def _inputs(equality_year: EqualityYear) -> YearInputs:
    figures = {(f.measure, f.group): f.count for f in equality_year.figures.all()}
    return year_inputs(figures, standard=equality_year.standard, year=equality_year.year)


def report_rows(equality_year: EqualityYear) -> list[ReportRow]:
    """Every indicator of the year, with the change since the year before where held."""
    previous = EqualityYear.objects.filter(
        standard=equality_year.standard, year=equality_year.year - 1
    ).first()
    return year_report(
        equality_year.standard,  # type: ignore[arg-type]
        current=_inputs(equality_year),
        previous=_inputs(previous) if previous is not None else None,
    )


@dataclass
class ReportLine:
    """One indicator on the report page, with the EDI actions that mean to move it."""

    row: ReportRow
    source_id: str
    actions: list[tuple[Action, str]] = field(default_factory=list)  # (action, its link)


def report_lines(user: AnyUser, equality_year: EqualityYear) -> list[ReportLine]:
    """The year's rows, each with its actions (one query for all), linked where readable."""
    lines = [ReportLine(row, source_id(row.indicator)) for row in report_rows(equality_year)]
    ids = [line.source_id for line in lines]
    by_source = actions_by_source(KIND, ids, actions_for_sources(KIND, ids))
    for line in lines:
        line.actions = [(a, action_href(user, a)) for a in by_source.get(line.source_id, [])]
    return lines
