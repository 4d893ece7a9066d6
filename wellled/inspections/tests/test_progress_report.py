"""The progress report for CQC and the integrated care board, as PDF and Word."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.inspections import report
from wellled.inspections.models import Inspection
from wellled.inspections.tests.support import done, finding, inspection, plan

pytestmark = pytest.mark.django_db


def _story(trust: Trust) -> Inspection:
    record = inspection(trust)
    signed = plan(trust, finding(record), title="Speaking up handled on time", owner="guardian")
    done(signed, kind="link", title="Guardian's report", detail="https://example.org/board")
    improvement_actions.sign_off_action(acting_user=trust.people["executive"], action=signed)
    plan(trust, finding(record, reference="SD1", kind="should_do"), title="Co-production")
    finding(record, reference="SD2", kind="should_do", text="No action for this one yet.")
    return record


def test_the_report_lists_every_action_with_status_milestones_evidence_and_sign_off(
    trust: Trust,
) -> None:
    data = report.build_report(_story(trust), today=timezone.localdate())
    assert data.counts == {"findings": 3, "done": 1, "signed_off": 1, "overdue": 0, "at_risk": 0}
    signed = next(row for row in data.rows if row.action == "Speaking up handled on time")
    assert signed.owner == "Guardian"
    assert signed.sign_off.startswith("Signed off by Executive on ")
    assert signed.evidence == ["Link: Guardian's report (https://example.org/board)"]
    assert signed.milestones[0] == ("New tracker in use: due 1 December 2029, met 1 September 2025")
    assert any(row.status == "No action yet" for row in data.rows)


def test_the_pdf_opens_and_says_what_the_report_says(trust: Trust, client_for) -> None:
    record = _story(trust)
    response = client_for("auditor").get(f"/inspections/{record.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Action plan progress report" in text
    assert "Speaking up handled on time" in text
    assert "Awaiting executive sign-off" not in text


def test_the_word_document_opens_and_says_what_the_report_says(trust: Trust, client_for) -> None:
    record = _story(trust)
    response = client_for("executive").get(f"/inspections/{record.pk}/report.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Action plan progress report" in text
    assert "Co-production" in cells
    assert "Signed off by Executive" in cells


def test_the_report_is_refused_to_those_who_may_not_see_the_inspection(
    trust: Trust,
    client_for,
) -> None:
    record = _story(trust)
    assert client_for("guardian").get(f"/inspections/{record.pk}/report.pdf").status_code == 403
    assert client_for("auditor").get(f"/inspections/{record.pk}/report.txt").status_code == 404
