"""Helpers for the inspections tests: records made through the real actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.improvement.models import Action
from wellled.inspections import actions
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import Finding, Inspection

D = datetime.date
WELL_LED = "saf_2024_statements"

# The smallest files whose bytes say what they are.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e5270de40000000049454e44ae426082"
)


def pdf_upload(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def inspection(trust: Trust, **overrides: Any) -> Inspection:
    values: dict[str, Any] = {
        "kind": "cqc_inspection",
        "title": "CQC well-led inspection 2025",
        "methodology": WELL_LED,
        "scope": trust.trust,
        "started_on": D(2025, 3, 4),
        "ended_on": D(2025, 3, 6),
        "report_published_on": D(2025, 7, 10),
        "report_url": "https://www.cqc.org.uk/provider/RZZ",
    }
    values.update(overrides)
    return actions.record_inspection(acting_user=None, **values)


def finding(inspection: Inspection, **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "kind": "must_do",
        "reference": "MD1",
        "regulation": "Regulation 16: Receiving and acting on complaints",
        "text": "The trust must ensure complaints are answered within agreed timescales.",
        "statement_ids": ["learning-improvement-and-innovation"],
    }
    values.update(overrides)
    return actions.add_finding(acting_user=None, inspection=inspection, **values)


def plan(
    trust: Trust, finding: Finding, *, owner: str = "service_lead", **overrides: Any
) -> Action:
    """The improvement action that answers the finding."""
    values: dict[str, Any] = {
        "title": "Complaints answered on time",
        "owner": trust.people[owner],
        "due_on": D(2030, 1, 31),
        "milestones": [("New tracker in use", D(2029, 12, 1))],
        "raised_on": D(2025, 7, 20),
    }
    values.update(overrides)
    acting_user = values.pop("acting_user", None)
    return improvement_actions.raise_action(
        acting_user=acting_user, source_kind=KIND, source_id=str(finding.pk), **values
    )


def planned(trust: Trust, **overrides: Any) -> Action:
    """An inspection with one must-do finding and its action, owned by the service lead."""
    return plan(trust, finding(inspection(trust)), **overrides)


def done(
    action: Action, *, kind: str = "note", title: str = "Audit", detail: str = "Done."
) -> Action:
    """Its milestones met, evidence filed under the finding's statements, and done."""
    for milestone in action.milestones.filter(done_on__isnull=True):
        improvement_actions.complete_milestone(
            acting_user=None, milestone=milestone, done_on=D(2025, 9, 1)
        )
    improvement_actions.add_evidence(
        acting_user=None,
        action=action,
        kind=kind,
        title=title,
        url=detail if kind == "link" else "",
        description=detail if kind == "note" else "",
        statement_ids=["learning-improvement-and-innovation"],
    )
    return improvement_actions.complete_action(acting_user=None, action=action, note="Done")
