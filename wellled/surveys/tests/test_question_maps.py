"""The versioned question maps: every file reads, and each year finds its numbering."""

from __future__ import annotations

import pytest

from wellled.surveys.measures import MEASURES, RAISING_CONCERNS
from wellled.surveys.question_maps import get_question_map, map_for_year, question_maps


def test_every_map_file_reads_and_names_known_measures() -> None:
    maps = question_maps()
    assert set(maps) == {"nss-2020", "nss-2021", "nss-2022", "nss-2025"}
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
    assert map_for_year(2026) is None
    assert map_for_year(2031) is None
    assert get_question_map("nss-1999") is None


def test_the_2022_map_reads_all_four_raising_concerns_questions() -> None:
    qmap = get_question_map("nss-2022")
    assert qmap is not None
    mapped = {q.measure.key for q in qmap.questions}
    assert set(RAISING_CONCERNS) <= mapped
    q20a = next(q for q in qmap.questions if q.code == "q20a")
    assert (q20a.value_column, q20a.base_column) == ("q20a_rate", "q20a_base")


# 2025: the discrimination items by question (issue #14, item 8) -----------------------


def test_the_2025_map_reads_discrimination_by_question_number_with_the_questions_wording() -> None:
    """wellled's workforce-equality reference (section 1, note 4), from the People Promise
    question map on nhssurveys.co.uk: "q16a: discrimination from patients/service users,
    their relatives or other members of the public" and "q16b: discrimination 'from
    manager / team leader or other colleagues'"; WRES indicator 8 quotes q16b: "In the last
    12 months have you personally experienced discrimination at work from a manager, team
    leader or other colleagues?". The 2025 questionnaire itself was not read: the map says
    so in its source."""
    qmap = map_for_year(2025)
    assert qmap is not None and qmap.version == "nss-2025"
    by_measure = {q.measure.key: q for q in qmap.questions}
    colleagues = by_measure["discrimination_from_colleagues"]
    public = by_measure["discrimination_from_public"]
    assert (colleagues.code, public.code) == ("q16b", "q16a")
    assert colleagues.wording == (
        "In the last 12 months have you personally experienced discrimination at work "
        "from a manager, team leader or other colleagues?"
    )
    assert "members of the public" in public.wording
    # The question's own columns first; the merged file's columns only as a place to find it.
    assert colleagues.column_pairs == (
        ("q16b_rate", "q16b_base"),
        ("Discrimination_internal_rate", "Discrimination_internal_base"),
    )
    assert qmap.source.startswith("UNCERTAIN")


def test_a_map_from_2025_that_keys_discrimination_by_column_name_is_refused(tmp_path) -> None:
    import json

    from wellled.surveys.question_maps import QuestionMapError, _parse

    path = tmp_path / "nss-2026.json"
    data = {
        "version": "nss-2026",
        "title": "t",
        "survey_years": [2026],
        "source": "s",
        "organisation_column": "ODS code",
        "year_column": "Year",
        "questions": [
            {"code": "Discrimination_internal", "measure": "discrimination_from_colleagues"}
        ],
    }
    path.write_text(json.dumps(data))
    with pytest.raises(QuestionMapError, match="must be keyed by its question number"):
        _parse(path)
    data["survey_years"] = [2024]  # the maps already used for 2021-2024 are not rewritten
    path.write_text(json.dumps(data))
    assert _parse(path).questions[0].code == "Discrimination_internal"
