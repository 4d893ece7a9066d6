"""Use case: the board reads speak-up trends and themes by quarter, identifying no one."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.speakup.reporting import BoardReport, BoardTable, Quarter, board_report
from wellled.speakup.tests.test_reporting_support import make_case, make_cases
from wellled.surveys.tests.support import store_results

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 20)  # in Q3 2025/26
QUARTERS = [Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)]
IN_Q2 = datetime.date(2025, 8, 13)


def _row(table: BoardTable, label: str) -> list[int | None]:
    row = next(r for r in table.rows if r.label == label)
    return [cell.value for cell in row.cells]


def _table(report: BoardReport, start: str) -> BoardTable:
    return next(t for t in report.tables if t.caption.startswith(start))


def _routes_q2() -> None:
    make_cases(12, IN_Q2, route="open", worker_group="nurses_midwives")
    make_cases(6, IN_Q2, route="confidential", worker_group="nurses_midwives")
    make_cases(2, IN_Q2, route="anonymous", worker_group="medical_dental")


def test_small_counts_are_hidden_with_a_second_cell_so_the_total_gives_nothing_away() -> None:
    _routes_q2()
    report = board_report(QUARTERS, today=TODAY)
    routes = _table(report, "Concerns raised by route")
    assert _row(routes, "Anonymous")[1] is None
    assert _row(routes, "Confidential")[1] is None  # else 20 - 12 - 6 = 2
    assert _row(routes, "Open")[1] == 12
    assert _row(routes, "All concerns")[1] == 20
    worker = _table(report, "Concerns by worker group")
    assert _row(worker, "Medical and dental")[1] is None
    assert _row(worker, "Registered nurses and midwives")[1] is None  # 20 - 18 = 2
    assert _row(worker, "Students")[1] == 0  # zeros identify no one


def test_elements_and_themes_hide_only_their_small_counts() -> None:
    for _ in range(6):
        make_case(IN_Q2, element_patient_safety=True, themes=("Staffing",))
    make_case(IN_Q2, detriment_reported=True, themes=("Rostering",))
    report = board_report(QUARTERS, today=TODAY)
    elements = _table(report, "Concerns by element")
    assert _row(elements, "Patient safety or quality")[1] == 6
    assert _row(elements, "Detriment reported for speaking up")[1] is None
    assert _row(report.themes, "Staffing") == [0, 6, 0]
    assert _row(report.themes, "Other themes") == [0, None, 0]


def test_a_rare_theme_is_named_nowhere_and_counted_under_other_themes() -> None:
    # Guardians type theme names: one given to a single concern can name its author.
    for _ in range(6):
        make_case(IN_Q2, themes=("Staffing",))
    make_case(IN_Q2, themes=("Staffing", "Dr Patel's list"))
    make_case(IN_Q2, themes=("Night rota on ward 9", "Dr Patel's list"))
    for _ in range(6):
        make_case(IN_Q2, themes=("Car parking",))
    report = board_report(QUARTERS, today=TODAY)
    labels = [row.label for row in report.themes.rows]
    assert labels == ["Car parking", "Staffing", "Other themes"]
    assert _row(report.themes, "Staffing") == [0, 7, 0]
    # Two concerns carry rare themes (three tags): counted once each, then suppressed.
    assert _row(report.themes, "Other themes") == [0, None, 0]
    for _ in range(4):
        make_case(IN_Q2, themes=("Dr Patel's list",))
    report = board_report(QUARTERS, today=TODAY)
    assert _row(report.themes, "Dr Patel's list") == [0, 6, 0]
    assert _row(report.themes, "Other themes") == [0, None, 0]


def test_feedback_is_by_quarter_closed_and_suppressed() -> None:
    for answer, count in (("yes", 7), ("no", 1), ("blank", 5)):
        make_cases(count, datetime.date(2025, 5, 5), closed=IN_Q2, feedback_answer=answer)
    feedback = _table(board_report(QUARTERS, today=TODAY), "'Given your experience")
    assert _row(feedback, "Concerns closed")[1] == 13
    assert _row(feedback, "No")[1] is None
    assert _row(feedback, "Yes")[1] is None or _row(feedback, "No answer given")[1] is None


def test_by_default_counts_of_one_to_five_are_hidden_and_six_is_shown() -> None:
    """Issue #14, item 7: "Board figures suppress counts of 1-5 by default (configurable),
    and free-text labels with them"."""
    make_cases(5, IN_Q2, route="anonymous", themes=("Rota on ward 9",))
    make_cases(6, IN_Q2, route="confidential", themes=("Staffing",))
    make_cases(12, IN_Q2, route="open")
    report = board_report(QUARTERS, today=TODAY)
    assert report.threshold == 6
    routes = _table(report, "Concerns raised by route")
    assert _row(routes, "Anonymous")[1] is None  # 5
    assert _row(routes, "Confidential")[1] is None  # else 23 - 12 - 5 hidden = 6 gives 5
    assert _row(routes, "Open")[1] == 12
    labels = [row.label for row in report.themes.rows]
    assert "Rota on ward 9" not in labels  # a free-text label on 5 concerns is not named
    assert "Staffing" in labels and _row(report.themes, "Staffing")[1] == 6
    assert _row(report.themes, "Other themes")[1] is None


@override_settings(WELLLED_SPEAKUP_SUPPRESS_BELOW=3)
def test_the_threshold_comes_from_settings() -> None:
    make_cases(3, IN_Q2, route="anonymous")
    make_cases(10, IN_Q2, route="open")
    make_cases(4, IN_Q2, route="confidential")
    report = board_report(QUARTERS, today=TODAY)
    assert report.threshold == 3
    assert _row(_table(report, "Concerns raised by route"), "Anonymous")[1] == 3


@override_settings(WELLLED_SPEAKUP_SUPPRESS_BELOW=1)
def test_a_threshold_of_one_shows_everything() -> None:
    _routes_q2()
    report = board_report(QUARTERS, today=TODAY)
    assert report.suppressed == 0
    assert _row(_table(report, "Concerns raised by route"), "Anonymous")[1] == 2


def test_a_small_quarter_cannot_be_worked_out_from_the_years_total() -> None:
    # FY 2024/25: quarters of 10, 10, 10 and 3 concerns. The year's total, beside
    # the 2024 staff survey, would give the 3 away; its quarters were already shown
    # on earlier reports, so the year's total is hidden rather than a quarter.
    for quarter, count in zip(
        [Quarter(2024, n) for n in range(1, 5)], (10, 10, 10, 3), strict=True
    ):
        make_cases(count, quarter.start + datetime.timedelta(days=20))
    report = board_report(
        [Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 1)],
        today=TODAY,
        confidence_years={2024: {"safe_to_speak_up": 60.0}},
    )
    totals = _row(_table(report, "Concerns raised by route"), "All concerns")
    assert totals[1] is None  # Q4 2024/25: 3
    year = report.confidence[0].concerns
    assert year is not None and year.suppressed
    assert totals[0] == 10


def test_a_survey_year_whose_financial_year_has_not_ended_shows_no_volume() -> None:
    report = board_report(QUARTERS, today=TODAY, confidence_years={2025: {"safe_to_speak_up": 1.0}})
    assert report.confidence[0].concerns is None


# The page ---------------------------------------------------------------------------


def test_board_member_reads_the_page_with_staff_confidence(client_for, trust: Trust) -> None:
    store_results(
        2022, {"RZZ": {"safe_to_speak_up": 57.0, "secure_raising_clinical_concerns": 70.0}}
    )
    store_results(
        2023, {"RZZ": {"safe_to_speak_up": 59.5, "secure_raising_clinical_concerns": 72.0}}
    )
    page = client_for("board_member").get(reverse("speakup_reports:board")).content.decode()
    assert "Freedom to Speak Up: board report" in page
    assert "Staff confidence in speaking up" in page
    assert "59.5" in page and "Safe to speak up about anything" in page
    assert "<svg" in page  # two survey years: charted beside the volumes
    assert "Make the quarterly national return" not in page  # guardians only


def test_guardian_is_offered_the_national_return(client_for, trust: Trust) -> None:
    page = client_for("guardian").get(reverse("speakup_reports:board")).content.decode()
    assert "Make the quarterly national return" in page


def test_the_page_marks_hidden_counts(client_for, trust: Trust) -> None:
    from django.utils import timezone

    make_cases(2, timezone.localdate() - datetime.timedelta(days=7), route="anonymous")
    page = client_for("executive").get(reverse("speakup_reports:board")).content.decode()
    assert "not shown" in page
    assert "from 1 to 5 is not shown" in page


@pytest.mark.parametrize(
    "persona", ["edi_lead", "staff_member", "complaints_manager", "trust_admin", "outsider"]
)
def test_those_without_speak_up_measures_are_refused(
    client_for, trust: Trust, persona: str
) -> None:
    assert client_for(persona).get(reverse("speakup_reports:board")).status_code == 403


# The threshold is checked at start-up -----------------------------------------------


@pytest.mark.parametrize("value", [0, -3, "5", 2.5, True, None])
def test_a_threshold_that_is_not_a_whole_number_of_at_least_one_stops_start_up(
    value: object,
) -> None:
    from wellled.speakup.checks import check_suppression_threshold

    with override_settings(WELLLED_SPEAKUP_SUPPRESS_BELOW=value):
        problems = check_suppression_threshold()
    assert [p.id for p in problems] == ["speakup.E005"]
    assert "WELLLED_SPEAKUP_SUPPRESS_BELOW" in problems[0].msg


@pytest.mark.parametrize(("value", "ids"), [(6, []), (11, []), (3, ["speakup.W002"])])
def test_a_threshold_below_the_default_is_allowed_with_a_warning(
    value: int, ids: list[str]
) -> None:
    from wellled.speakup.checks import check_suppression_threshold

    with override_settings(WELLLED_SPEAKUP_SUPPRESS_BELOW=value):
        assert [p.id for p in check_suppression_threshold()] == ids


def test_the_threshold_check_is_registered() -> None:
    from django.core.checks import run_checks

    with override_settings(WELLLED_SPEAKUP_SUPPRESS_BELOW=0):
        assert "speakup.E005" in [p.id for p in run_checks()]
