# ruff: noqa: F811 - the fixtures imported from test_measures are named as parameters
"""Use case: the complaints manager downloads the KO41a return, the regulation 18
figures, the CQC summary and the caseload; the board downloads the aggregates only."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wellled.complaints import actions, exports
from wellled.complaints.models import Complaint
from wellled.complaints.tests.support import complainant, issue, record, ref
from wellled.complaints.tests.test_measures import history, routes, walk  # noqa: F401
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust

D = datetime.date
YEAR = 2025  # 1 April 2025 to 31 March 2026


def _rows(sheet: exports.Sheet) -> dict[tuple[str, ...], Any]:
    """(section, item[, site]) -> count."""
    found: dict[tuple[str, ...], Any] = {}
    by_site = "Site" in sheet.headers
    for row in sheet.rows:
        section = row[-4].partition(" ")[2]  # "7 Subject area" -> "Subject area"
        if by_site:
            found[(section, row[-2], row[1])] = row[-1]
        else:
            found[(section, row[-2])] = row[-1]
    return found


@pytest.mark.django_db
def test_ko41a_counts_a_complaint_once_in_total_and_against_every_subject(
    trust: Trust,
) -> None:
    one = record(trust, received_on=D(2026, 1, 12), site=trust.site)
    issue(trust, one, subject=ref("ko41a_subject", "communications"))
    issue(trust, one, subject=ref("ko41a_subject", "communications"))
    issue(
        trust,
        one,
        subject=ref("ko41a_subject", "waiting_times"),
        service_area=ref("ko41a_service_area", "outpatient"),
        profession=ref("profession", "medical"),
    )
    two = record(trust, received_on=D(2026, 2, 2), site=trust.other_site)
    issue(trust, two, subject=ref("ko41a_subject", "communications"))
    record(trust, received_on=D(2026, 2, 3), kind="pals")  # not in the return
    record(trust, received_on=D(2025, 3, 31))  # the year before

    found = _rows(exports.ko41a_return(start_year=YEAR))
    assert found[("Summary of overall numbers", "New complaints received")] == 2
    assert found[("Subject area", "Communications")] == 2  # not 3: once per complaint
    assert found[("Subject area", "Waiting times")] == 1
    assert found[("Service area", "Mental health")] == 2
    assert found[("Service area", "Outpatient")] == 1
    assert found[("Profession", "Nursing, midwifery and health visiting")] == 2
    assert found[("Profession", "Medical")] == 1

    split = _rows(exports.ko41a_return(start_year=YEAR, by_site=True))
    new = "New complaints received"
    assert split[("Summary of overall numbers", new, trust.site.name)] == 1
    assert split[("Summary of overall numbers", new, trust.other_site.name)] == 1
    assert split[("Subject area", "Communications", trust.site.name)] == 1
    assert split[("Subject area", "Waiting times", trust.site.name)] == 1
    assert ("Subject area", "Waiting times", trust.other_site.name) not in split


@pytest.mark.django_db
def test_ko41a_outcomes_are_derived_from_the_issues(trust: Trust) -> None:
    upheld = record(trust, received_on=D(2025, 6, 2))
    walk(
        trust,
        upheld,
        acknowledged=D(2025, 6, 3),
        due=D(2025, 7, 14),
        responded=D(2025, 7, 1),
        subject="communications",
        outcome="upheld",
    )
    mixed = record(trust, received_on=D(2025, 6, 2))
    manager = trust.people["complaints_manager"]
    extra = issue(trust, mixed, subject=ref("ko41a_subject", "waiting_times"))
    actions.record_issue_outcome(acting_user=manager, issue=extra, outcome="upheld")
    walk(
        trust,
        mixed,
        acknowledged=D(2025, 6, 3),
        due=D(2025, 7, 14),
        responded=D(2025, 7, 20),
        subject="communications",
        outcome="not_upheld",
    )
    record(trust, received_on=D(2025, 6, 2))  # not answered: no outcome yet
    found = _rows(exports.ko41a_return(start_year=YEAR))
    summary = "Summary of overall numbers"
    assert found[(summary, "Resolved (first response sent)")] == 2
    assert found[(summary, "Resolved: upheld")] == 1
    assert found[(summary, "Resolved: partially upheld")] == 1
    assert found[(summary, "Resolved: not upheld")] == 0


def _a_year_of_cases(trust: Trust) -> None:
    """Three cases at one site around the year 2025-26."""
    # Received the year before and still open: brought forward, and carried forward.
    record(trust, received_on=D(2025, 2, 3), site=trust.site)
    # Received the year before, answered in the year: brought forward, then resolved.
    answered = record(trust, received_on=D(2025, 3, 3), site=trust.site)
    walk(
        trust,
        answered,
        acknowledged=D(2025, 3, 4),
        due=D(2025, 5, 1),
        responded=D(2025, 4, 20),
        subject="communications",
        outcome="upheld",
    )
    # New in the year, by a representative, with a clinical aspect; still open.
    new = record(
        trust,
        received_on=D(2025, 9, 1),
        site=trust.site,
        complainant=complainant(
            representative_basis="authorised",
            consent_status="given",
            consent_evidence="Signed form",
        ),
        patient=actions.PatientDetails("Sam Rivera"),
    )
    issue(
        trust,
        new,
        subject=ref("ko41a_subject", "clinical_treatment"),
        clinical_subcategory=ref("ko41a_clinical", "general_medicine"),
    )


@pytest.mark.django_db
def test_ko41a_follows_the_collections_sections(trust: Trust) -> None:
    """The KO41a guidelines (NHS Digital, "KO41a NHS hospital and community health
    services written complaints: Guidelines") list the sections: 1 organisation and
    site details; 2 summary of overall numbers (brought forward, new, resolved,
    carried forward); 3 age of patient; 4 status of complainant; 5 service area; 6
    subject area of clinical treatment sub-categories; 7 subject area; 8 profession.
    Section 6 is filled only when the complaint has a clinical aspect."""
    _a_year_of_cases(trust)
    sheet = exports.ko41a_return(start_year=YEAR, by_site=True)
    assert sheet.headers == [
        "Year",
        "Site",
        "Site ODS code",
        "Section",
        "Code",
        "Item",
        "Complaints",
    ]
    assert sheet.rows[0][3:6] == ["1 Organisation", trust.trust.ods_code, trust.trust.name]
    found = _rows(sheet)
    here, summary = trust.site.name, "Summary of overall numbers"
    assert found[(summary, "Brought forward (open at the start of the year)", here)] == 2
    assert found[(summary, "New complaints received", here)] == 1
    assert found[(summary, "Resolved: upheld", here)] == 1
    assert found[(summary, "Carried forward (open at the end of the year)", here)] == 2
    assert found[("Status of complainant", "Patient", here)] == 0
    assert found[("Status of complainant", "Someone other than the patient", here)] == 1
    clinical = [k for k in found if k[0] == "Subject area of clinical treatment"]
    assert len(clinical) == 1 and found[clinical[0]] == 1
    # Sections in the collection's order within the site's block.
    sections = [row[3] for row in sheet.rows[1:]]
    assert sections == sorted(sections)


@pytest.mark.django_db
def test_reg18_figures(trust: Trust, history: dict[str, Complaint]) -> None:
    manager = trust.people["complaints_manager"]
    on_time = history["on_time"]
    actions.refer_to_phso(acting_user=manager, complaint=on_time, referred_on=D(2026, 6, 1))
    sheet = exports.reg18_figures(start_year=2025)  # received 2 March 2026
    figures = {row[1]: row[2] for row in sheet.rows}
    assert figures["Complaints received"] == 3
    assert figures["PALS concerns received (outside the Regulations)"] == 1
    this_year = {row[1]: row[2] for row in exports.reg18_figures(start_year=2026).rows}
    # Answered in April 2026, both not upheld; the referral was in June 2026.
    assert this_year["Complaints answered (first response sent)"] == 2
    assert this_year["Complaints decided to be well-founded (upheld or partially upheld)"] == 0
    assert this_year["of which answered by the date due"] == 1
    assert this_year["Complaints the trust was told were referred to the Ombudsman"] == 1
    assert this_year["Complaints reopened in the year"] == 1


def test_cells_that_look_like_formulas_are_made_inert() -> None:
    assert exports.safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert exports.safe_cell(start).startswith("'")
    assert exports.safe_cell("Ward 3") == "Ward 3"
    assert exports.safe_cell(3) == 3
    sheet = exports.Sheet("T", ["=A"], [["=1+1", D(2026, 1, 2), 4]])
    text = exports.to_csv(sheet).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["'=A"], ["'=1+1", "2026-01-02", "4"]]
    book = load_workbook(io.BytesIO(exports.to_xlsx(sheet)))
    cell = book.active["A2"]
    assert cell.value == "'=1+1" and cell.data_type == "s"


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_the_board_downloads_aggregates_but_not_case_lists(
    client_for: Any, history: dict[str, Complaint]
) -> None:
    board = client_for("board_member")
    page = board.get(reverse("complaints:exports"))
    assert page.status_code == 200
    kinds = [item["kind"] for item in page.context["offered"]]
    assert kinds == ["ko41a", "reg18"]
    url = reverse("complaints:export_download", args=["ko41a"])
    response = board.get(url, {"ko41a-year": "2025", "ko41a-format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    for kind in ("cqc", "caseload"):
        denied = board.get(reverse("complaints:export_download", args=[kind]))
        assert denied.status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_the_manager_downloads_the_cqc_summary_without_names(
    client_for: Any, history: dict[str, Complaint]
) -> None:
    response = client_for("complaints_manager").get(
        reverse("complaints:export_download", args=["cqc"]), {"cqc-months": "12"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["Reference"] for r in rows} == {c.reference for c in history.values()}
    late = next(r for r in rows if r["Reference"] == history["late"].reference)
    assert late["Answered by the date due"] == "No"
    assert late["Outcome"] == "Not upheld"
    assert "Alex Rivera" not in text and "call back" not in text
    event = AuditEvent.objects.filter(action="complaints.exported").get()
    assert event.object_id == "cqc" and event.after == {"rows": 4, "format": "csv"}


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_the_caseload_export_uses_the_caseload_filters_and_scope(
    client_for: Any, trust: Trust
) -> None:
    here = record(trust, received_on=D(2026, 3, 2))
    there = record(trust, received_on=D(2026, 3, 2), service=trust.other_service)
    url = reverse("complaints:export_download", args=["caseload"])
    text = client_for("complaints_manager").get(url).content.decode("utf-8-sig")
    assert here.reference in text and there.reference in text
    lead = client_for("service_lead").get(url).content.decode("utf-8-sig")
    assert here.reference in lead and there.reference not in lead
    overdue = client_for("complaints_manager").get(url, {"caseload-overdue": "on"})
    assert here.reference in overdue.content.decode("utf-8-sig")
    acknowledged = client_for("complaints_manager").get(url, {"caseload-status": "acknowledged"})
    assert here.reference not in acknowledged.content.decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_unknown_export_is_not_found(client_for: Any) -> None:
    response = client_for("complaints_manager").get(
        reverse("complaints:export_download", args=["patients"])
    )
    assert response.status_code == 404
