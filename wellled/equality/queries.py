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
from wellled.equality.trend import TrendDrawing, likelihood_trend
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
    """One indicator on the report page, with its trend and the EDI actions that mean to move it."""

    row: ReportRow
    source_id: str
    actions: list[tuple[Action, str]] = field(default_factory=list)  # (action, its link)
    trend: TrendDrawing | None = None  # likelihoods: the ratio each year with its interval
    survey_trend: list[tuple[int, float | None]] = field(default_factory=list)  # year, %


def report_lines(
    user: AnyUser,
    equality_year: EqualityYear,
    rows_by_year: dict[int, list[ReportRow]] | None = None,
) -> list[ReportLine]:
    """The year's rows, each with its actions (one query for all), linked where readable,
    and its trend over the years held up to this one."""
    if rows_by_year is None:
        rows_by_year = history(equality_year.standard)
    rows = rows_by_year.get(equality_year.year) or report_rows(equality_year)
    lines = [ReportLine(row, source_id(row.indicator)) for row in rows]
    ids = [line.source_id for line in lines]
    by_source = actions_by_source(KIND, ids, actions_for_sources(KIND, ids))
    for line in lines:
        line.actions = [(a, action_href(user, a)) for a in by_source.get(line.source_id, [])]
        shown = [(y, r) for y, r in trend(rows_by_year, line.source_id) if y <= equality_year.year]
        element = "trend-" + line.source_id.replace(":", "-")
        line.trend = likelihood_trend(element, line.row.indicator.label, shown)
        if line.row.survey is not None and len(shown) > 1:
            line.survey_trend = [(y, r.value) for y, r in shown]
    return lines


def inputs_by_year(standard: str) -> dict[int, YearInputs]:
    """Every year held of one standard, as the engine's inputs (two queries)."""
    held = EqualityYear.objects.filter(standard=standard).prefetch_related("figures")
    return {y.year: _inputs(y) for y in held}


def history(
    standard: str, inputs: dict[int, YearInputs] | None = None
) -> dict[int, list[ReportRow]]:
    """Every year held of one standard, each against the year before where that is held."""
    inputs = inputs_by_year(standard) if inputs is None else inputs
    return {
        year: year_report(
            standard,  # type: ignore[arg-type]
            current=inputs[year],
            previous=inputs.get(year - 1),
        )
        for year in sorted(inputs)
    }


def trend(rows_by_year: dict[int, list[ReportRow]], sid: str) -> list[tuple[int, ReportRow]]:
    """One indicator's row in each year held, earliest first, leaving out years with none."""
    found = []
    for year, rows in sorted(rows_by_year.items()):
        row = next((r for r in rows if source_id(r.indicator) == sid), None)
        if row is not None and not row.missing:
            found.append((year, row))
    return found


def get_year_by_id_for_user(user: AnyUser, pk: int) -> EqualityYear:
    """A year by its id, for the API: 404 where it is not held or the reader may not see it."""
    found = years_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such year")
    return found
