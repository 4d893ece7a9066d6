"""The demo trust's WRES and WDES for three years, 2023 to 2025, and two EDI actions.

Consistent with the demo's 4,500 staff (about 1,100 BME, 3,250 White and 150 with no
recorded ethnicity). The pattern the issue asks for: White applicants were more than
twice as likely to be appointed from shortlisting in 2023 (above the 1.25 band); the EDI
lead raised an action on it (diverse panels, anonymised shortlisting) and the ratio fell
to 1.62 in 2024 and 1.18 in 2025. BME staff's experience of discrimination from
colleagues (indicator 8) worsened over the same years, significantly in 2025. The counts
are made up; they are imported through the real action, as the EDI lead would.

WDES from the same staff: 270 with a declared disability in ESR (6%), 3,780 without and 450
not declared; the same shortlisted and appointed applicants as WRES, split by disability;
and about 24% of the survey's 1,880 respondents saying they have a long-term condition or
illness (the NHS Staff Survey's disability question), so the survey metrics carry the
same respondents. Disabled staff were about three times as likely to enter the formal
capability process; the gap in recruitment closed; pressure to come to work when unwell
(metric 6) fell a little after the EDI lead's 2024 action, not yet significantly.
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


# year -> (non-disabled appointed of 3,300 shortlisted, Disabled appointed of 260, unknown
# appointed of 225: the year's WRES appointments), Disabled staff feeling pressured to work
# when unwell of 450 Disabled respondents.
WDES_YEARS = {
    2023: ((830, 55, 35), 135),
    2024: ((812, 58, 30), 131),
    2025: ((805, 62, 28), 117),
}
# Survey metric -> (Disabled positive, non-disabled positive) of 450 and 1,430 respondents.
WDES_SURVEY = {
    "4a-i": (144, 358),
    "4a-ii": (81, 143),
    "4a-iii": (117, 243),
    "4b": (216, 701),
    "5": (225, 815),
    "7": (144, 600),
}


def _wdes_counts(year: int) -> str:
    (non_disabled, disabled, unknown), pressured = WDES_YEARS[year]
    lines = [
        "measure,group,count",
        "shortlisted,non_disabled,3300",
        f"appointed,non_disabled,{non_disabled}",
        "shortlisted,disabled,260",
        f"appointed,disabled,{disabled}",
        "shortlisted,unknown,225",
        f"appointed,unknown,{unknown}",
        "staff,non_disabled,3780",
        "entered_formal_process,non_disabled,19",
        "staff,disabled,270",
        "entered_formal_process,disabled,4",
        "staff,unknown,450",
        "survey_6_responses,disabled,450",
        f"survey_6_positive,disabled,{pressured}",
        "survey_6_responses,non_disabled,1430",
        "survey_6_positive,non_disabled,272",
        "survey_8_responses,disabled,300",
        "survey_8_positive,disabled,219",
    ]
    for number, (disabled_positive, other_positive) in WDES_SURVEY.items():
        lines += [
            f"survey_{number}_responses,disabled,450",
            f"survey_{number}_positive,disabled,{disabled_positive}",
            f"survey_{number}_responses,non_disabled,1430",
            f"survey_{number}_positive,non_disabled,{other_positive}",
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
    for year in WDES_YEARS:
        actions.import_year(
            acting_user=edi,
            standard="WDES",
            year=year,
            rows=_rows(_wdes_counts(year)),
            source_name=f"demo-wdes-{year}.csv",
        )
    improvement.raise_action(
        acting_user=edi,
        source_kind=KIND,
        source_id="WDES:6",
        title="Attendance policy review with the Disabled staff network: no pressure to work "
        "when unwell",
        owner=edi,
        due_on=datetime.date(2025, 3, 31),
        raised_on=datetime.date(2024, 7, 1),
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
        f"Workforce equality: WRES and WDES for {len(YEARS)} years ({min(YEARS)} to "
        f"{max(YEARS)}) and two EDI actions"
    )
