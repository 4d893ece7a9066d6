"""Helpers for the surveys tests: results written through the real action."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from wellled.surveys import actions
from wellled.surveys.question_maps import map_for_year

DATA = Path(__file__).resolve().parent / "data"


def store_results(year: int, values: dict[str, dict[str, float]], *, acting_user=None) -> int:
    """values: ODS code -> measure key -> value; each through the year's question map."""
    qmap = map_for_year(year)
    assert qmap is not None
    codes = {q.measure.key: q.code for q in qmap.questions}
    return actions.replace_survey_results(
        acting_user=acting_user,
        year=year,
        question_map=qmap,
        results={
            code: (
                f"Organisation {code}",
                [
                    actions.ResultValue(codes[key], key, Decimal(str(value)), 400)
                    for key, value in measures.items()
                ],
            )
            for code, measures in values.items()
        },
    )
