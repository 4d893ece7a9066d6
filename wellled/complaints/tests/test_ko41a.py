# ruff: noqa: F811 - the fixtures imported from test_measures are named as parameters
"""Use case: the complaints manager downloads the KO41a return in the collection's
layout (one row per organisation/site, a column per data item) with the patient's age.

Sources, quoted in the tests: NHS Digital's KO41a guidelines ("Section 3: Age of
patient"; the detail "only need[s] recording for new complaints received"), the
KO41a support page (a complaint spanning sites is recorded against one site), and
the KO41b guidance "Other KO41b form information", whose validation we apply to KO41a
too: "In the Age of Patient and Status of Complainant sections the component parts
must equal the value entered in the Total New Complaints box", "Enter 0 (zero) if you
have no other value to enter".
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wellled.complaints import actions, exports, ko41a, ko41a_ages
from wellled.complaints.models import Complaint
from wellled.complaints.tests.support import issue, record
from wellled.complaints.tests.test_exports import _a_year_of_cases
from wellled.complaints.tests.test_measures import history, routes  # noqa: F401
from wellled.core.testing import Trust

D = datetime.date
YEAR = 2025


def _born(trust: Trust, born: datetime.date | None, received: datetime.date, **kw: Any) -> Any:
    case = record(
        trust,
        received_on=received,
        site=trust.site,
        patient=actions.PatientDetails("Alex Morgan", date_of_birth=born),
        **kw,
    )
    issue(trust, case)
    return case


def test_the_age_bands_run_from_0_without_gaps_and_end_with_age_unknown() -> None:
    bands = ko41a_ages.age_bands()
    assert bands[0].low == 0 and bands[-1].is_unknown
    assert [b.label for b in bands if b.verification == "corroborated"] == [
        "26 to 55",
        "Age unknown",
    ]
    for band in bands:
        assert band.source, band.code


def test_age_is_whole_years_on_the_day_received() -> None:
    assert ko41a_ages.age_on(D(2000, 9, 2), D(2025, 9, 1)) == 24
    assert ko41a_ages.age_on(D(2000, 9, 1), D(2025, 9, 1)) == 25
    assert ko41a_ages.age_on(D(2008, 2, 29), D(2025, 2, 28)) == 16
    assert ko41a_ages.age_on(D(2008, 2, 29), D(2025, 3, 1)) == 17
    assert ko41a_ages.band_for(D(2009, 9, 2), D(2025, 9, 1)).label == "0 to 15"
    assert ko41a_ages.band_for(D(1999, 9, 1), D(2025, 9, 1)).label == "26 to 55"
    assert ko41a_ages.band_for(None, D(2025, 9, 1)).label == "Age unknown"
    # A date of birth after receipt is a typing error, not a newborn.
    assert ko41a_ages.band_for(D(2026, 1, 1), D(2025, 9, 1)).label == "Age unknown"


@pytest.mark.django_db
def test_section_3_counts_new_complaints_by_age_and_the_bands_add_up_to_the_new(
    trust: Trust,
) -> None:
    _born(trust, D(1950, 1, 1), D(2025, 6, 2))  # 75
    _born(trust, D(1990, 5, 5), D(2025, 7, 1))  # 35
    _born(trust, None, D(2025, 8, 4))
    _born(trust, D(1950, 1, 1), D(2025, 2, 3))  # the year before: not new
    sheet = exports.ko41a_return(start_year=YEAR)
    age = {row[3]: row[4] for row in sheet.rows if row[1] == "3 Age of patient"}
    assert age["66 to 75"] == 1 and age["26 to 55"] == 1 and age["Age unknown"] == 1
    assert age["0 to 15"] == 0  # every box has a value: "Enter 0 (zero)"
    new = next(r[4] for r in sheet.rows if r[2] == "new")
    assert sum(age.values()) == new == 3


@pytest.mark.django_db
def test_the_grid_has_one_row_per_site_and_a_column_for_every_item(trust: Trust) -> None:
    _a_year_of_cases(trust)
    sheet = ko41a.ko41a_grid(start_year=YEAR)
    assert sheet.headers[:5] == [
        "Year",
        "1. Organisation ODS code",
        "1. Organisation name",
        "1. Site ODS code",
        "1. Site name",
    ]
    assert len(sheet.rows) == 1  # one site
    row = dict(zip(sheet.headers, sheet.rows[0], strict=True))
    assert row["1. Organisation ODS code"] == trust.trust.ods_code
    assert row["1. Site ODS code"] == trust.site.ods_code
    assert row["2. Brought forward (open at the start of the year) [brought_forward]"] == 2
    assert row["2. New complaints received [new]"] == 1
    assert row["2. Carried forward (open at the end of the year) [carried_forward]"] == 2
    assert row["3. Age unknown [age_unknown]"] == 1
    assert row["4. Someone other than the patient [someone_else]"] == 1
    # Every item of the code lists is a column, zero where nothing was counted.
    subject_columns = [h for h in sheet.headers if h.startswith("7. ")]
    assert len(subject_columns) == len([c for c in ko41a.columns() if c[0] == "7 Subject area"])
    assert row["7. Waiting times [waiting_times]"] == 0
    # The age bands and status items add up to the new complaints.
    new = row["2. New complaints received [new]"]
    assert sum(v for h, v in row.items() if h.startswith("3. ")) == new
    assert sum(v for h, v in row.items() if h.startswith("4. ")) == new


@pytest.mark.django_db
def test_the_checks_name_what_the_form_would_refuse(trust: Trust) -> None:
    """KO41b guidance: "the total components must be equal to or greater than the total
    new complaints value" (subject area); the KO41a support page: a complaint "should be
    recorded" against one site."""
    record(trust, received_on=D(2025, 6, 2), site=None)  # no site, no issue coded
    sheet = ko41a.ko41a_grid(start_year=YEAR)
    checks = [text for label, text in sheet.notes if label == "Check"]
    assert any("section 7 counts 0, fewer than the 1 new complaints" in c for c in checks)
    assert any("records each complaint against one site" in c for c in checks)
    about = {label: text for label, text in sheet.notes if label != "Check"}
    assert about["Data item codes"].startswith("NOT the collection's")


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_the_download_opens_in_excel_in_the_collections_layout_with_its_about_sheet(
    client_for: Any, history: dict[str, Complaint]
) -> None:
    response = client_for("complaints_manager").get(
        reverse("complaints:export_download", args=["ko41a"]),
        {"ko41a-year": "2025", "ko41a-format": "xlsx"},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["KO41a 2025-26", "About"]
    grid = list(book.worksheets[0].iter_rows(values_only=True))
    assert grid[0][3] == "1. Site ODS code"
    assert all(isinstance(v, int) for v in grid[1][5:])  # every box holds a number
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert "Data item codes" in about and "Age of patient" in about
    long_form = client_for("complaints_manager").get(
        reverse("complaints:export_download", args=["ko41a"]),
        {"ko41a-year": "2025", "ko41a-format": "csv", "ko41a-layout": "long"},
    )
    assert "3 Age of patient" in long_form.content.decode("utf-8-sig")
    refused = client_for("complaints_manager").get(
        reverse("complaints:export_download", args=["ko41a"]), {"ko41a-layout": "wide"}
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
