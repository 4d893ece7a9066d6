"""What the inspections actions share: the error helper and the methodology checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError

from wellled.engines.ratings import Methodology, UnknownMethodologyError, get_methodology


def raise_errors(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def methodology_or_error(methodology_id: str, field: str = "methodology") -> Methodology:
    try:
        return get_methodology(methodology_id)
    except UnknownMethodologyError as error:
        raise ValidationError({field: str(error)}) from None


def check_statements(
    methodology: Methodology, statement_ids: Iterable[str], field: str
) -> list[str]:
    known = {s.id for kq in methodology.key_questions for s in kq.statements}
    ids = list(dict.fromkeys(statement_ids))
    unknown = [sid for sid in ids if sid not in known]
    if unknown:
        raise ValidationError(
            {
                field: f"Unknown quality statement {', '.join(repr(u) for u in unknown)} "
                f"in {methodology.id}"
            }
        )
    return ids
