"""Reading a year's files: every bad row reported with its number, nothing half-read."""

from __future__ import annotations

import csv
import io

import pytest

from wellled.engines.equality import BME, UNKNOWN, WHITE, year_report
from wellled.engines.equality.inputs import InputError, read_counts, read_esr_extract

from .support import known

ESR = """id,band,clinical,ethnic_category,disability,sex,unit
p001,Band 3,Y,H,No,F,Medicine
p002,Band 3,Y,A,Yes,M,Medicine
p003,8c,N,C2,Not declared,F,Finance
p004,5,Y,Z,No,F,Surgery
"""

COUNTS = """measure,group,count
shortlisted,white,389
appointed,white,117
shortlisted,bme,10
appointed,bme,2
shortlisted,unknown,12
board_voting,white,11
board_voting,bme,1
survey_5_responses,bme,400
survey_5_positive,bme,120
survey_5_responses,white,600
survey_5_positive,white,150
"""


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_esr_extract_and_counts_make_a_year_the_report_reads() -> None:
    people = read_esr_extract(rows(ESR))
    assert [(p.band, p.clinical, p.ethnic_group) for p in people] == [
        ("3", True, BME),
        ("3", True, WHITE),
        ("8c", False, WHITE),
        ("5", True, UNKNOWN),
    ]
    inputs = read_counts(rows(COUNTS), standard="WRES", year=2025, staff=people)
    assert inputs.survey == {"5": {BME: (120, 400), WHITE: (150, 600)}}
    assert inputs.board == {"voting": {WHITE: 11, BME: 1}}
    indicator_2 = year_report("WRES", current=inputs)[1]
    assert known(indicator_2.value) == pytest.approx(1.5039, abs=1e-4)  # reference T3


def test_every_bad_row_is_reported_with_its_number() -> None:
    bad = ESR + "p004,Band 10,Y,Q,Perhaps,F,Surgery\n,5,maybe,A,No,M,Surgery\n"
    with pytest.raises(InputError) as caught:
        read_esr_extract(rows(bad))
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].startswith("Row 6: id 'p004' appears twice")
    assert any(m.startswith("Row 6: 'Band 10' is not a pay band") for m in messages)
    assert messages[-2:] == ["Row 7: id is empty", "Row 7: clinical must be Y or N, not 'maybe'"]


def test_a_file_with_names_is_refused_before_anything_is_read() -> None:
    with pytest.raises(InputError, match="Row 1: remove the column 'Surname'"):
        read_esr_extract(rows("id,Surname,band,clinical,ethnic_category,disability\n"
                              "p1,Smith,3,Y,A,No\n"))  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "appointed,unknown,13\n",
            "Row 13: 13 appointed for unknown is more than the 12 shortlisted",
        ),
        (
            "appointed,martian,1\n",
            "Row 13: group must be one of white, bme, unknown, not 'martian'",
        ),
        ("appointed,bme,3\n", "Row 13: appointed for bme is given twice"),
        ("hired,bme,3\n", "Row 13: unknown measure 'hired'"),
        ("shortlisted,disabled,3\n", "Row 13: group must be one of"),
        ("survey_5_positive,white,601\n", "Row 13: survey_5_positive for white is given twice"),
        ("accessed_training,bme,2.5\n", "Row 13: count must be a whole number of people"),
        ("survey_4b_responses,bme,40\n", "Row 13: WRES has no survey indicator 4b (5, 6, 7, 8)"),
    ],
)
def test_bad_counts_are_refused_with_a_clear_message(extra, message) -> None:
    with pytest.raises(InputError) as caught:
        read_counts(rows(COUNTS + extra), standard="WRES", year=2025)
    assert str(caught.value.errors[0]).startswith(message)


def test_more_positive_answers_than_responses_is_refused() -> None:
    text = "measure,group,count\nsurvey_6_positive,disabled,30\nsurvey_6_responses,disabled,20\n"
    with pytest.raises(InputError, match="Row 2: 30 survey_6_positive for disabled is more than"):
        read_counts(rows(text), standard="WDES", year=2025)
