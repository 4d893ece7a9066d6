"""Use case: a guardian produces the quarterly national return, and exports it.

The return counts each field of the field set in force for the quarter. The
field set is data (return_fields/*.json), versioned because the return's owner
and fields have changed.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.speakup.reporting import (
    Quarter,
    ReturnRow,
    field_set_for,
    field_sets,
    national_return,
)
from wellled.speakup.tests.test_reporting_support import make_case, make_cases

Q1_2025 = Quarter(2025, 1)  # April to June 2025


def _counts(rows: list[ReturnRow]) -> dict[tuple[str, str], int]:
    return {(r.key, r.category): r.count for r in rows}


# Quarters and field sets (no database) ----------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 4, 1), Quarter(2025, 1)),
        (datetime.date(2025, 6, 30), Quarter(2025, 1)),
        (datetime.date(2025, 7, 1), Quarter(2025, 2)),
        (datetime.date(2025, 12, 31), Quarter(2025, 3)),
        (datetime.date(2026, 1, 1), Quarter(2025, 4)),
        (datetime.date(2026, 3, 31), Quarter(2025, 4)),
    ],
)
def test_financial_year_quarters_start_in_april(day: datetime.date, expected: Quarter) -> None:
    assert Quarter.containing(day) == expected


def test_quarter_dates_labels_and_slugs() -> None:
    q4 = Quarter(2025, 4)
    assert (q4.start, q4.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert q4.label == "Q4 2025/26"
    assert q4.next() == Quarter(2026, 1) and Quarter(2026, 1).previous() == q4
    assert Quarter.parse("2025-Q4") == q4
    with pytest.raises(ValueError):
        Quarter.parse("2025-Q5")


def test_every_field_set_file_reads() -> None:
    sets = field_sets()
    assert list(sets) == ["ngo-2021-04", "ngo-2022-04", "ngo-2024-04", "nhse-2026-04"]
    for field_set in sets.values():
        assert field_set.source.startswith(("National", "NHS"))
        assert field_set.fields[0].key == "total"
    assert sets["nhse-2026-04"].owner == "NHS England" and sets["nhse-2026-04"].provisional


@pytest.mark.parametrize(
    ("quarter", "version"),
    [
        (Quarter(2021, 4), "ngo-2021-04"),
        (Quarter(2022, 1), "ngo-2022-04"),
        (Quarter(2023, 4), "ngo-2022-04"),
        (Quarter(2024, 1), "ngo-2024-04"),
        (Quarter(2025, 4), "ngo-2024-04"),
        (Quarter(2026, 1), "nhse-2026-04"),
    ],
)
def test_the_field_set_in_force_on_the_quarters_first_day(quarter: Quarter, version: str) -> None:
    assert field_set_for(quarter).version == version


def test_no_field_set_before_the_first() -> None:
    with pytest.raises(LookupError):
        field_set_for(Quarter(2020, 4))


# Counting --------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_field_is_counted_and_elements_are_not_exclusive() -> None:
    day = datetime.date(2025, 5, 14)
    make_case(day, route="anonymous", element_patient_safety=True, element_bullying_harassment=True)
    make_case(
        day, route="confidential", element_bullying_harassment=True, worker_group="medical_dental"
    )
    make_case(
        day,
        route="open",
        element_other_behaviour=True,
        detriment_reported=True,
        worker_group="medical_dental",
    )
    make_case(datetime.date(2025, 7, 9))  # next quarter
    counts = _counts(national_return(Q1_2025))
    assert counts[("total", "")] == 3
    assert counts[("anonymous", "")] == 1
    assert counts[("patient_safety", "")] == 1
    assert counts[("bullying_harassment", "")] == 2
    assert counts[("other_behaviour", "")] == 1
    assert counts[("detriment", "")] == 1
    assert counts[("worker_group", "medical_dental")] == 2
    assert counts[("worker_group", "not_known")] == 1
    assert counts[("worker_group", "students")] == 0  # every category, zeros too


@pytest.mark.django_db
def test_the_2021_field_set_counts_behaviours_once_per_case() -> None:
    day = datetime.date(2021, 8, 3)
    make_case(day, element_bullying_harassment=True, element_other_behaviour=True)
    make_case(day, element_other_behaviour=True)
    rows = national_return(Quarter(2021, 2))
    counts = _counts(rows)
    assert counts[("behaviours", "")] == 2
    assert ("bullying_harassment", "") not in counts


@pytest.mark.django_db
def test_an_older_field_set_can_be_asked_for() -> None:
    make_case(datetime.date(2025, 5, 14), element_other_behaviour=True)
    rows = national_return(Q1_2025, field_set=field_sets()["ngo-2021-04"])
    assert _counts(rows)[("behaviours", "")] == 1


@pytest.mark.django_db
def test_feedback_counts_cases_closed_in_the_quarter() -> None:
    make_case(datetime.date(2025, 1, 6), closed=datetime.date(2025, 5, 5), feedback_answer="yes")
    make_case(datetime.date(2025, 4, 7), closed=datetime.date(2025, 6, 2), feedback_answer="maybe")
    make_case(datetime.date(2025, 4, 7), closed=datetime.date(2025, 7, 7), feedback_answer="no")
    counts = _counts(national_return(Q1_2025))
    assert counts[("feedback", "yes")] == 1
    assert counts[("feedback", "maybe")] == 1
    assert counts[("feedback", "no")] == 0
    assert counts[("total", "")] == 2  # received in the quarter, closed or not


@pytest.mark.django_db
def test_a_case_counts_in_the_quarter_of_its_weeks_monday() -> None:
    # Tuesday 1 April 2025 is in the week of Monday 31 March: the quarter before.
    make_case(datetime.date(2025, 4, 1))
    assert _counts(national_return(Q1_2025))[("total", "")] == 0
    assert _counts(national_return(Quarter(2024, 4)))[("total", "")] == 1


@pytest.mark.django_db
def test_a_concern_raised_through_the_casework_action_is_counted(trust: Trust) -> None:
    from django.utils import timezone

    from wellled.speakup import actions

    actions.raise_concern(
        acting_user=trust.people["staff_member"],
        concern=actions.NewConcern(narrative="The night rota is unsafe.", route="confidential"),
    )
    this_quarter = Quarter.containing(timezone.localdate() - datetime.timedelta(days=7))
    now_quarter = Quarter.containing(timezone.localdate())
    totals = sum(_counts(national_return(q))[("total", "")] for q in {this_quarter, now_quarter})
    assert totals == 1


# The page and its exports -------------------------------------------------------------


@pytest.mark.django_db
def test_guardian_sees_the_quarters_return(client_for, trust: Trust) -> None:
    make_cases(3, datetime.date(2025, 5, 14), route="anonymous")
    url = reverse("speakup_reports:return")
    page = client_for("guardian").get(url, {"quarter": "2025-Q1"}).content.decode()
    assert "Q1 2025/26" in page and "ngo-2024-04" in page
    assert "Cases raised anonymously" in page


@pytest.mark.django_db
def test_the_return_page_refuses_an_unknown_quarter(client_for, trust: Trust) -> None:
    response = client_for("guardian").get(reverse("speakup_reports:return"), {"quarter": "1999-Q9"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_guardian_downloads_the_return_as_csv(client_for, trust: Trust) -> None:
    make_cases(2, datetime.date(2025, 5, 14), route="anonymous", detriment_reported=True)
    response = client_for("guardian").get(
        reverse("speakup_reports:return_csv"), {"quarter": "2025-Q1", "field_set": "ngo-2022-04"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "speak-up-return-2025-Q1-ngo-2022-04.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_key = {(r["field"], r["category"]): r for r in rows}
    assert by_key[("anonymous", "")]["count"] == "2"
    assert by_key[("detriment", "")]["count"] == "2"
    assert by_key[("total", "")]["field_set"] == "ngo-2022-04"
    assert by_key[("total", "")]["quarter"] == "2025-Q1"


@pytest.mark.django_db
def test_guardian_downloads_the_return_as_xlsx(client_for, trust: Trust) -> None:
    from openpyxl import load_workbook

    make_cases(4, datetime.date(2025, 5, 14), element_patient_safety=True)
    response = client_for("guardian").get(
        reverse("speakup_reports:return_xlsx"), {"quarter": "2025-Q1"}
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "field_set",
        "quarter",
        "field",
        "label",
        "category",
        "category_label",
        "count",
    )
    counts = {(r[2], r[4] or ""): r[6] for r in rows[1:]}
    assert counts[("patient_safety", "")] == 4
    assert book["About"]["B2"].value == "National Guardian's Office"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["board_member", "executive", "governance_lead", "auditor", "operator", "staff_member"],
)
def test_only_guardians_make_the_return(client_for, trust: Trust, persona: str) -> None:
    client = client_for(persona)
    for name in (
        "speakup_reports:return",
        "speakup_reports:return_csv",
        "speakup_reports:return_xlsx",
    ):
        assert client.get(reverse(name), {"quarter": "2025-Q1"}).status_code == 403


@pytest.mark.django_db
def test_an_old_quarter_uses_the_field_set_of_its_time(client_for, trust: Trust) -> None:
    make_case(datetime.date(2021, 8, 3), element_bullying_harassment=True)
    page = client_for("guardian").get(reverse("speakup_reports:return"), {"quarter": "2021-Q2"})
    text = page.content.decode()
    assert "ngo-2021-04" in text
    assert "Cases with an element of behaviours, such as bullying or harassment" in text


# What the return cannot vouch for (issue #14, item 7) ----------------------------------


def test_worker_groups_and_feedback_answers_are_the_reference_lists_marked_unconfirmed() -> None:
    """wellled's reference (/work/shared/reference/speak-up.md, section 1.2) confirms that
    the return counts cases by "Professional/worker group" and by the answer to "Given your
    experience, would you speak up again?", but marks both lists "From memory (check)":
    the groups "follow the NHS staff groups: Registered nurses and midwives; Nursing
    assistants / healthcare assistants; Medical and dental; Allied health professionals;
    Additional professional, scientific and technical; Healthcare scientists;
    Administrative, clerical and management; Estates and ancillary / maintenance; Corporate
    services; Students; Other; Not known", and "the answers are Yes / No / Maybe / Don't
    know". So the categories must be those, in that order, and every field set must say
    they are unconfirmed."""
    from wellled.speakup.reporting import BREAKDOWNS

    assert [label for _, label in BREAKDOWNS["worker_group"]] == [
        "Registered nurses and midwives",
        "Nursing assistants or healthcare assistants",
        "Medical and dental",
        "Allied health professionals",
        "Additional professional, scientific and technical",
        "Healthcare scientists",
        "Administrative, clerical and management",
        "Estates and ancillary",
        "Corporate services",
        "Students",
        "Other",
        "Not known",
    ]
    answers = [label for _, label in BREAKDOWNS["feedback_answer"]]
    assert answers[:4] == ["Yes", "No", "Maybe", "Don't know"]
    assert answers[4:] == ["No answer given"]  # wellled's own row, said so in the caveat
    for field_set in field_sets().values():
        unconfirmed = {f.breakdown for f in field_set.fields if f.unconfirmed}
        assert {"worker_group", "feedback_answer"} <= unconfirmed, field_set.version


def test_the_characteristics_the_2024_guidance_added_are_declared_not_counted() -> None:
    """NGO, 15 February 2024: the revised guidance "expanded the information regarding
    recording cases, including the characteristics of those speaking up". The list was not
    found (reference speak-up.md, section 1.2, marked uncertain), so wellled records none
    and each field set from April 2024 must say so rather than look complete."""
    from wellled.speakup.reporting import FILTERABLE, caveats

    for version in ("ngo-2024-04", "nhse-2026-04"):
        lines = caveats(field_sets()[version])
        assert any(
            line.startswith("Not counted by wellled: The characteristics of those speaking up")
            for line in lines
        ), version
    # The return can count only the plaintext reporting fields: no characteristic of the
    # person (docs/speakup.md, "Board figures"; the threat model keeps identity sealed).
    assert set(FILTERABLE) == {
        "route",
        "status",
        "worker_group",
        "feedback_answer",
        "element_patient_safety",
        "element_worker_safety",
        "element_bullying_harassment",
        "element_other_behaviour",
        "detriment_reported",
    }


@pytest.mark.django_db
def test_the_2026_27_return_page_says_the_nhs_england_specification_was_not_available(
    client_for, trust: Trust
) -> None:
    """NHS England's collection "replaces the data collection previously provided by the
    NGO"; its field specification "is behind the Data Collections Framework login and was
    not readable" (reference speak-up.md, section 0). The page that produces the return
    must say so, and so must the spreadsheet a guardian submits from."""
    from openpyxl import load_workbook

    client = client_for("guardian")
    page = client.get(reverse("speakup_reports:return"), {"quarter": "2026-Q1"}).content.decode()
    assert "nhse-2026-04" in page
    assert "Specification not available" in page
    assert "specification for this collection, which was not available" in page
    assert "2026/27" in page
    assert "The characteristics of those speaking up" in page
    older = client.get(reverse("speakup_reports:return"), {"quarter": "2025-Q1"}).content.decode()
    assert "Specification not available" not in older
    assert "Check before you submit" in older  # the 2024 set's unconfirmed lists
    response = client.get(reverse("speakup_reports:return_xlsx"), {"quarter": "2026-Q1"})
    about = load_workbook(io.BytesIO(response.content))["About"]
    caveat_rows = [row[1] for row in about.iter_rows(values_only=True) if row[0] == "Caveat"]
    assert any("was not available when" in str(text) for text in caveat_rows)
    assert any("characteristics" in str(text) for text in caveat_rows)
