"""The versioned question maps: every file reads, and each year finds its numbering."""

from __future__ import annotations

import pytest

from wellled.surveys.measures import MEASURES, RAISING_CONCERNS
from wellled.surveys.question_maps import get_question_map, map_for_year, question_maps


def test_every_map_file_reads_and_names_known_measures() -> None:
    maps = question_maps()
    assert set(maps) == {"nss-2020", "nss-2021", "nss-2022"}
    for qmap in maps.values():
        assert qmap.source
        for question in qmap.questions:
            assert question.measure.key in MEASURES


@pytest.mark.parametrize(
    ("year", "version", "safe_to_speak_up_code"),
    [
        (2020, "nss-2020", "q18f"),
        (2021, "nss-2021", "q21e"),
        (2022, "nss-2022", "q25e"),
        (2024, "nss-2022", "q25e"),
    ],
)
def test_a_measure_keeps_its_key_when_the_question_is_renumbered(
    year: int, version: str, safe_to_speak_up_code: str
) -> None:
    qmap = map_for_year(year)
    assert qmap is not None and qmap.version == version
    codes = {q.measure.key: q.code for q in qmap.questions}
    assert codes["safe_to_speak_up"] == safe_to_speak_up_code


def test_years_without_a_map_have_none() -> None:
    assert map_for_year(2019) is None
    assert map_for_year(2031) is None
    assert get_question_map("nss-1999") is None


def test_the_2022_map_reads_all_four_raising_concerns_questions() -> None:
    qmap = get_question_map("nss-2022")
    assert qmap is not None
    mapped = {q.measure.key for q in qmap.questions}
    assert set(RAISING_CONCERNS) <= mapped
    q20a = next(q for q in qmap.questions if q.code == "q20a")
    assert (q20a.value_column, q20a.base_column) == ("q20a_rate", "q20a_base")
