"""Fictional counts for the equality app's tests."""

from __future__ import annotations

from wellled.equality import actions
from wellled.equality.models import EqualityYear

COUNTS = """measure,group,count
shortlisted,white,2000
appointed,white,600
shortlisted,bme,800
appointed,bme,120
shortlisted,unknown,40
staff,white,3000
entered_formal_process,white,30
staff,bme,1200
entered_formal_process,bme,20
survey_5_responses,bme,400
survey_5_positive,bme,100
survey_5_responses,white,900
survey_5_positive,white,210
survey_8_responses,bme,9
survey_8_positive,bme,2
"""


def rows(text: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text)))


def store_year(year: int = 2024, text: str = COUNTS, standard: str = "WRES") -> EqualityYear:
    return actions.import_year(acting_user=None, standard=standard, year=year, rows=rows(text))
