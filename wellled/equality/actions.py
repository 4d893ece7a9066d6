"""Writes of the equality app. Every write is one function here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.engines.equality.inputs import InputError, read_count_rows
from wellled.equality.models import EqualityFigure, EqualityYear, Standard

# NHS England's WRES began in 2015 (first data at 1 April 2015); WDES in 2019.
FIRST_YEAR = 2015


@transaction.atomic
def import_year(
    *,
    acting_user: Actor,
    standard: str,
    year: int,
    rows: Iterable[Mapping[str, str]],
    source_name: str = "",
    replace: bool = False,
) -> EqualityYear:
    """Store one standard's counts for one year, all or nothing.

    Every row is checked by the engine first; any problem raises ValidationError listing
    each with its row number and nothing is stored. A year already held is replaced only
    with `replace`; the figures it held go into the audit event, so the old version is kept.
    """
    if standard not in Standard.values:
        raise ValidationError({"standard": "Choose WRES or WDES"})
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": f"Enter a year from {FIRST_YEAR} to this year"})
    try:
        figures = read_count_rows(rows, standard=standard)
    except InputError as problem:
        raise ValidationError({"file": [str(e) for e in problem.errors]}) from None
    if not figures:
        raise ValidationError({"file": "The file has no figures"})
    held = EqualityYear.objects.select_for_update().filter(standard=standard, year=year).first()
    if held is not None and not replace:
        raise ValidationError(
            {"replace": f"{standard} {year} is already imported: tick the box to replace it"}
        )
    before = None
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    if held is None:
        held = EqualityYear(standard=standard, year=year)
    else:
        before = {f"{f.measure}/{f.group}": f.count for f in held.figures.all()}
        held.figures.all().delete()
    held.source_name, held.imported_at, held.imported_by = source_name, timezone.now(), user
    held.save()
    EqualityFigure.objects.bulk_create(
        EqualityFigure(equality_year=held, measure=m, group=g, count=c)
        for (m, g), c in figures.items()
    )
    audit.record(
        acting_user=acting_user,
        action="equality.year_imported",
        obj=held,
        before=before,
        after={f"{m}/{g}": c for (m, g), c in sorted(figures.items())},
    )
    return held
