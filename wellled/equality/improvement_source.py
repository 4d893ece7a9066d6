"""A WRES indicator or WDES metric as a source of improvement actions (EDI actions).

Each action names the indicator it means to move and, from the engine, the direction that
counts as better; the report page then shows beside it whether the indicator improved,
worsened or did not change significantly when the next year's figures arrived.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.core.types import AnyUser
from wellled.engines.equality import Indicator, UnknownIndicatorError, get_indicator
from wellled.equality.access import may_import, may_view
from wellled.equality.models import EqualityYear
from wellled.improvement import sources
from wellled.organisation.access import Cap
from wellled.organisation.models import OrgUnit, Role, UnitKind

KIND = "equality_indicator"
# CQC's well-led statement on workforce equality, diversity and inclusion.
STATEMENTS = ("workforce-equality-diversity-and-inclusion",)
AIMS = {
    "closer_to_one": "aim: a ratio nearer 1",
    "closer_to_zero": "aim: a gap nearer 0",
    "lower": "aim: lower",
    "higher": "aim: higher",
}


def source_id(indicator: Indicator) -> str:
    return f"{indicator.standard}:{indicator.number}"


def indicator_for(source: str) -> Indicator | None:
    standard, _, number = str(source).partition(":")
    try:
        return get_indicator(standard, number)
    except UnknownIndicatorError:
        return None


def label(indicator: Indicator) -> str:
    return f"{indicator.label}: {indicator.title} ({AIMS[indicator.better]})"


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    trust = OrgUnit.objects.filter(kind=UnitKind.TRUST, parent=None).order_by("pk").first()
    if trust is None:
        return {}
    latest = {y.standard: y.year for y in EqualityYear.objects.order_by("year")}
    found = {}
    for sid in source_ids:
        indicator = indicator_for(sid)
        if indicator is None:
            continue
        year = latest.get(indicator.standard)
        href = (
            reverse("equality:report", args=[indicator.standard, year])
            if year
            else reverse("equality:index")
        )
        found[str(sid)] = sources.SourceInfo(
            label=label(indicator), href=href, unit_id=trust.pk, statement_ids=STATEMENTS
        )
    return found


def may_raise(user: AnyUser, source: str) -> bool:
    return indicator_for(source) is not None and may_import(user)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Workforce equality indicator",
            describe=describe,
            may_raise=may_raise,
            evidence_required=True,
            # The board is accountable for EDI (EDI Improvement Plan, high impact action 1).
            sign_off_role=Role.EXECUTIVE,
            opens_for=may_view,
            viewers=Cap.VIEW_EQUALITY,
            managers=Cap.IMPORT_EQUALITY,
        )
    )
