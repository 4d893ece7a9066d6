"""Use case: a governance lead or EDI lead imports a survey year's published results.

The import runs as a background job, reads the file through a versioned question
map and writes nothing unless every row is right.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wellled.core.models import AuditEvent, Job
from wellled.core.testing import Trust
from wellled.surveys.importer import detect_kind, import_survey_file
from wellled.surveys.models import SurveyResult, SurveyYear
from wellled.surveys.tests.support import DATA

pytestmark = pytest.mark.django_db

REAL = (DATA / "nss_trusts_wellbeing_sample.csv").read_bytes()
FIXTURE = (DATA / "nss_raising_concerns_fixture.csv").read_bytes()
HEADER = "ODS code,Year,Organisation name,q20a_base,q20a_rate,q25e_base,q25e_rate\n"


def _import(raw: bytes, *, year: int = 2023, version: str = "nss-2022", kind: str = "csv"):
    return import_survey_file(acting_user=None, raw=raw, kind=kind, year=year, version=version)


def _messages(outcome) -> list[str]:
    return [f"Row {e.row}: {e.message}" for e in outcome.errors]


def test_real_published_results_import_for_the_chosen_year_only(trust: Trust) -> None:
    outcome = _import(REAL, year=2023)
    assert outcome.errors == []
    assert outcome.organisations == 4
    assert outcome.other_years == 13  # the 2021, 2022 and 2024 rows
    assert "q20a" in outcome.missing_questions  # the real file has no raising-concerns items
    leeds = SurveyResult.objects.get(
        survey_year__year=2023,
        organisation_code="RY6",
        measure_key="discrimination_from_colleagues",
    )
    assert leeds.question_code == "Discrimination_internal"
    assert leeds.organisation_name == "Leeds Community Healthcare NHS Trust"
    assert leeds.base is not None and leeds.base > 100
    assert Decimal(0) < leeds.value < Decimal(100)
    assert SurveyYear.objects.get(year=2023).question_map_version == "nss-2022"
    assert AuditEvent.objects.filter(action="surveys.results_imported").count() == 1


def test_the_2021_file_reads_through_the_2021_map(trust: Trust) -> None:
    outcome = _import(REAL, year=2021, version="nss-2021")
    assert outcome.errors == []
    # Four trusts, and two CCGs that answered as one under a joint code.
    assert SurveyResult.objects.filter(survey_year__year=2021).count() == 5 * 7
    assert SurveyResult.objects.filter(organisation_code="01T/01V").count() == 7


def test_raising_concerns_fixture_in_the_published_layout(trust: Trust) -> None:
    outcome = _import(FIXTURE, year=2023)
    assert outcome.errors == []
    assert outcome.organisations == 4
    rzz = {
        r.measure_key: r
        for r in SurveyResult.objects.filter(survey_year__year=2023, organisation_code="RZZ")
    }
    assert rzz["secure_raising_clinical_concerns"].value == Decimal("71.300")
    assert rzz["secure_raising_clinical_concerns"].question_code == "q20a"
    assert rzz["safe_to_speak_up"].base == 1850
    assert rzz["raising_concerns_score"].value == Decimal("6.380")
    # NA cells are published gaps: ZZC has no q20a or q20b result, and no error.
    zzc = set(
        SurveyResult.objects.filter(survey_year__year=2023, organisation_code="ZZC").values_list(
            "measure_key", flat=True
        )
    )
    assert "secure_raising_clinical_concerns" not in zzc
    assert "safe_to_speak_up" in zzc


def test_an_excel_workbook_imports_like_the_csv(trust: Trust) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in FIXTURE.decode().splitlines():
        sheet.append([_excel_cell(cell) for cell in line.split(",")])
    out = io.BytesIO()
    book.save(out)
    raw = out.getvalue()
    assert detect_kind(raw) == "xlsx"
    outcome = _import(raw, kind="xlsx", year=2024)
    assert outcome.errors == []
    assert outcome.organisations == 2
    value = SurveyResult.objects.get(
        survey_year__year=2024, organisation_code="RZZ", measure_key="safe_to_speak_up"
    ).value
    assert value == Decimal("62.400")


def _excel_cell(text: str) -> object:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def _as_2025(raw: bytes) -> bytes:
    """The real merged file's 2024 rows, relabelled as 2025 (same columns)."""
    import csv

    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    year = rows[0].index("Year")
    kept = [rows[0]] + [[*r[:year], "2025", *r[year + 1 :]] for r in rows[1:] if r[year] == "2024"]
    out = io.StringIO()
    csv.writer(out).writerows(kept)
    return out.getvalue().encode("utf-8")


def test_2025_discrimination_is_stored_by_question_whatever_the_column_is_called(
    trust: Trust,
) -> None:
    """Issue #14, item 8: "read discrimination items by question, not by column name". The
    merged file names the column by its meaning (Discrimination_internal); the 2025 map says
    that column holds q16b, so the result is stored, shown and compared as q16b."""
    outcome = _import(_as_2025(REAL), year=2025, version="nss-2025")
    assert outcome.errors == []
    assert outcome.organisations == 4
    leeds = SurveyResult.objects.get(
        survey_year__year=2025,
        organisation_code="RY6",
        measure_key="discrimination_from_colleagues",
    )
    assert leeds.question_code == "q16b"
    assert (
        SurveyResult.objects.filter(
            survey_year__year=2025, question_code__startswith="Discrimination"
        ).count()
        == 0
    )


def test_a_2025_file_with_question_numbered_columns_reads_them_first(trust: Trust) -> None:
    raw = (
        b"ODS code,Year,Organisation name,q16b_base,q16b_rate,"
        b"Discrimination_internal_base,Discrimination_internal_rate\n"
        b"RZZ,2025,Demo trust,1200,9.5,1100,55.0\n"
    )
    outcome = _import(raw, year=2025, version="nss-2025")
    assert outcome.errors == []
    result = SurveyResult.objects.get(measure_key="discrimination_from_colleagues")
    assert (result.question_code, result.value, result.base) == ("q16b", Decimal("9.500"), 1200)


def test_importing_a_year_again_replaces_only_the_questions_in_the_file(trust: Trust) -> None:
    assert _import(REAL, year=2023).errors == []
    assert _import(FIXTURE, year=2023).errors == []
    keys = set(
        SurveyResult.objects.filter(survey_year__year=2023, organisation_code="RY6").values_list(
            "measure_key", flat=True
        )
    )
    assert "burnout" in keys  # kept from the first file
    changed = FIXTURE.replace(
        b"RZZ,2023,Test Community Trust,Community Trusts,1204,71.3",
        b"RZZ,2023,Test Community Trust,Community Trusts,1204,80.0",
    )
    assert _import(changed, year=2023).errors == []
    assert SurveyResult.objects.get(
        survey_year__year=2023,
        organisation_code="RZZ",
        measure_key="secure_raising_clinical_concerns",
    ).value == Decimal("80.000")
    assert (
        SurveyResult.objects.filter(
            survey_year__year=2023,
            organisation_code="RZZ",
            measure_key="secure_raising_clinical_concerns",
        ).count()
        == 1
    )


# Bad input: each problem named with its row, and nothing written -----------------


def test_an_unknown_question_map_version_is_refused(trust: Trust) -> None:
    outcome = _import(FIXTURE, version="nss-2019")
    assert _messages(outcome) == [
        "Row 1: There is no question map version 'nss-2019'. "
        "The versions are nss-2020, nss-2021, nss-2022, nss-2025"
    ]
    assert not SurveyYear.objects.exists()


def test_a_map_for_other_years_is_refused(trust: Trust) -> None:
    outcome = _import(FIXTURE, version="nss-2021", year=2023)
    assert _messages(outcome) == ["Row 1: Question map nss-2021 is for survey years 2021, not 2023"]


def test_non_numeric_and_out_of_range_values_are_named_by_row(trust: Trust) -> None:
    text = (
        HEADER
        + "RZZ,2023,Test,1200,71.3,1800,60.1\n"
        + "ZZA,2023,A,880,high,1300,61\n"
        + "ZZB,2023,B,many,70,1300,161\n"
    )
    outcome = _import(text.encode())
    assert _messages(outcome) == [
        "Row 3: 'q20a_rate' must be a number from 0 to 100, not 'high'",
        "Row 4: 'q20a_base' must be a whole number of respondents, not 'many'",
        "Row 4: 'q25e_rate' must be a number from 0 to 100, not '161'",
    ]
    assert not SurveyResult.objects.exists()
    assert not SurveyYear.objects.exists()


def test_duplicate_organisations_are_named_by_row(trust: Trust) -> None:
    text = (
        HEADER
        + "RZZ,2023,Test,1200,71.3,1800,60.1\n"
        + "ZZA,2023,A,880,70,1300,61\n"
        + "rzz,2023,Test again,1,2,3,4\n"
    )
    outcome = _import(text.encode())
    assert _messages(outcome) == ["Row 4: RZZ is already on row 2 for 2023"]
    assert not SurveyResult.objects.exists()


def test_the_same_code_in_another_year_is_not_a_duplicate(trust: Trust) -> None:
    text = HEADER + "RZZ,2023,Test,1200,71.3,1800,60.1\nRZZ,2024,Test,1200,72.3,1800,61.1\n"
    outcome = _import(text.encode())
    assert outcome.errors == [] and outcome.other_years == 1


def test_bad_codes_years_and_missing_columns(trust: Trust) -> None:
    text = HEADER + ",2023,No code,1,2,3,4\nNOT A CODE,2023,X,1,2,3,4\nRZZ,twenty,X,1,2,3,4\n"
    assert _messages(_import(text.encode())) == [
        "Row 2: Enter the 'ODS code'",
        "Row 3: 'NOT A CODE' is not an ODS code: use 3 to 6 letters and digits"
        " (several joined by / for a joint return)",
        "Row 4: 'Year' must be a year like 2023, not 'twenty'",
    ]
    no_code = b"Organisation,q20a_rate\nRZZ,70\n"
    assert _messages(_import(no_code)) == ["Row 1: Row 1 has no 'ODS code' column"]
    no_questions = b"ODS code,Year,Colour\nRZZ,2023,blue\n"
    assert _messages(_import(no_questions))[0].startswith(
        "Row 1: Row 1 has none of the columns question map nss-2022 reads"
    )


def test_a_file_with_no_rows_for_the_year(trust: Trust) -> None:
    text = HEADER + "RZZ,2022,Test,1200,71.3,1800,60.1\n"
    assert _messages(_import(text.encode())) == ["Row 1: The file has no rows for survey year 2023"]


# Through the page and the job ------------------------------------------------------


def test_governance_lead_imports_through_the_page(
    client_for, trust: Trust, django_capture_on_commit_callbacks
) -> None:
    client = client_for("governance_lead")
    assert client.get(reverse("surveys:import")).status_code == 200
    upload = SimpleUploadedFile("results.csv", FIXTURE, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:import"), {"year": "2023", "question_map": "", "file": upload}
        )
    job = Job.objects.get(kind="surveys.import_results")
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job", args=[job.id]
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "Imported" in job.message and "4 organisations" in job.message
    assert SurveyYear.objects.get(year=2023).imported_by == trust.people["governance_lead"]


def test_a_bad_file_fails_the_job_with_row_numbers(
    client_for, trust: Trust, django_capture_on_commit_callbacks
) -> None:
    client = client_for("edi_lead")
    bad = (HEADER + "RZZ,2023,Test,1200,lots,1800,60.1\n").encode()
    upload = SimpleUploadedFile("results.csv", bad, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("surveys:import"),
            {"year": "2023", "question_map": "nss-2022", "file": upload},
        )
    job = Job.objects.get(kind="surveys.import_results")
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == [
        {"row": 2, "message": "'q20a_rate' must be a number from 0 to 100, not 'lots'"}
    ]
    assert not SurveyResult.objects.exists()


def test_a_disguised_file_is_refused_before_any_job(client_for, trust: Trust) -> None:
    client = client_for("governance_lead")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload = SimpleUploadedFile("results.csv", png, content_type="text/csv")
    response = client.post(reverse("surveys:import"), {"year": "2023", "file": upload})
    assert response.status_code == 200
    assert "must be a CSV file or an Excel workbook" in response.content.decode()
    assert not Job.objects.exists()


def test_a_year_with_no_map_is_refused_on_the_form(client_for, trust: Trust) -> None:
    client = client_for("governance_lead")
    upload = SimpleUploadedFile("results.csv", FIXTURE, content_type="text/csv")
    response = client.post(reverse("surveys:import"), {"year": "2019", "file": upload})
    assert "No question map covers survey year 2019" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "persona", ["guardian", "board_member", "staff_member", "complaints_manager"]
)
def test_others_may_not_import(client_for, trust: Trust, persona: str) -> None:
    client = client_for(persona)
    assert client.get(reverse("surveys:import")).status_code == 403
    upload = SimpleUploadedFile("results.csv", FIXTURE, content_type="text/csv")
    response = client.post(reverse("surveys:import"), {"year": "2023", "file": upload})
    assert response.status_code == 403
    assert not Job.objects.exists()
