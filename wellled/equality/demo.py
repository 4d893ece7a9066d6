"""The demo trust's WRES for three years, 2023 to 2025, and one EDI action.

Consistent with the demo's 4,500 staff (about 1,100 BME, 3,250 White and 150 with no
recorded ethnicity). The pattern the issue asks for: White applicants were more than
twice as likely to be appointed from shortlisting in 2023 (above the 1.25 band); the EDI
lead raised an action on it (diverse panels, anonymised shortlisting) and the ratio fell
to 1.62 in 2024 and 1.18 in 2025. BME staff's experience of discrimination from
colleagues (indicator 8) worsened over the same years, significantly in 2025. The counts
are made up; they are imported through the real action, as the EDI lead would.
"""

from __future__ import annotations

import datetime

from wellled.equality import actions
from wellled.equality.improvement_source import KIND
from wellled.improvement import actions as improvement
from wellled.organisation.demo import DemoResult

# year -> (White appointed of 2,400 shortlisted, BME appointed of 1,300, BME discriminated
# against of 380 BME respondents)
YEARS = {2023: (720, 180, 30), 2024: (660, 220, 42), 2025: (600, 275, 65)}


def _counts(year: int) -> str:
    white_appointed, bme_appointed, bme_discriminated = YEARS[year]
    lines = [
        "measure,group,count",
        "shortlisted,white,2400",
        f"appointed,white,{white_appointed}",
        "shortlisted,bme,1300",
        f"appointed,bme,{bme_appointed}",
        "shortlisted,unknown,85",
        "appointed,unknown,20",
        "staff,white,3250",
        "entered_formal_process,white,26",
        "staff,bme,1100",
        f"entered_formal_process,bme,{14 if year < 2025 else 12}",
        "staff,unknown,150",
        "training_staff,white,3250",
        "accessed_training,white,1450",
        "training_staff,bme,1100",
        "accessed_training,bme,420",
        "survey_5_responses,white,1500",
        "survey_5_positive,white,390",
        "survey_5_responses,bme,380",
        "survey_5_positive,bme,106",
        "survey_7_responses,white,1450",
        "survey_7_positive,white,880",
        "survey_7_responses,bme,370",
        "survey_7_positive,bme,170",
        "survey_8_responses,white,1500",
        "survey_8_positive,white,96",
        "survey_8_responses,bme,380",
        f"survey_8_positive,bme,{bme_discriminated}",
    ]
    return "\n".join(lines) + "\n"


def _rows(text: str) -> list[dict[str, str]]:
    header, *body = text.strip().splitlines()
    names = header.split(",")
    return [dict(zip(names, line.split(","), strict=True)) for line in body]


def load_demo(result: DemoResult, *, seed: int) -> str:
    edi = result.users["edi"]
    for year in YEARS:
        actions.import_year(
            acting_user=edi,
            standard="WRES",
            year=year,
            rows=_rows(_counts(year)),
            source_name=f"demo-wres-{year}.csv",
        )
    improvement.raise_action(
        acting_user=edi,
        source_kind=KIND,
        source_id="WRES:2",
        title="Diverse interview panels and anonymised shortlisting for band 7 and above",
        owner=edi,
        due_on=datetime.date(2024, 3, 31),
        raised_on=datetime.date(2023, 7, 3),
    )
    return (
        f"Workforce equality: WRES for {len(YEARS)} years ({min(YEARS)} to {max(YEARS)}) "
        "and one EDI action on recruitment"
    )
