"""Shared builders for the assurance tests: written through the actions."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wellled.assurance import actions
from wellled.assurance.models import AssessmentRound, EvidenceItem, StatementAssessment
from wellled.core.testing import Trust

WELL_LED = [
    "shared-direction-and-culture",
    "capable-compassionate-and-inclusive-leaders",
    "freedom-to-speak-up",
    "workforce-equality-diversity-and-inclusion",
    "governance-management-and-sustainability",
    "partnerships-and-communities",
    "learning-improvement-and-innovation",
    "environmental-sustainability",
]


def trust_round(trust: Trust, **kwargs: Any) -> AssessmentRound:
    return actions.open_round(
        acting_user=trust.people["governance_lead"],
        scope=trust.trust,
        methodology_id=kwargs.pop("methodology_id", "saf_2024_statements"),
        title=kwargs.pop("title", "Well-led round"),
        **kwargs,
    )


def assessment(round_: AssessmentRound, statement_id: str) -> StatementAssessment:
    return round_.statements.get(statement_id=statement_id)


def score_all(trust: Trust, round_: AssessmentRound, scores: dict[str, int]) -> None:
    for statement_id, value in scores.items():
        actions.score_statement(
            acting_user=trust.people["governance_lead"],
            assessment=assessment(round_, statement_id),
            score=value,
            rationale="Because the evidence shows it",
        )


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    data: bytes = HTML(string="<p>Board minutes</p>").write_pdf()
    return data


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def evidence(
    trust: Trust,
    *,
    owner: User | None = None,
    statements: list[str] | None = None,
    review_in: int = 30,
    unit: Any = None,
    **kwargs: Any,
) -> EvidenceItem:
    today = timezone.localdate()
    person = owner or trust.people["governance_lead"]
    return actions.add_evidence(
        acting_user=kwargs.pop("acting_user", person),
        kind=kwargs.pop("kind", "note"),
        title=kwargs.pop("title", "Board minutes"),
        unit=unit or trust.trust,
        statement_ids=statements if statements is not None else ["freedom-to-speak-up"],
        owner=person,
        evidence_date=kwargs.pop("evidence_date", today - datetime.timedelta(days=100)),
        review_date=kwargs.pop("review_date", today + datetime.timedelta(days=review_in)),
        description=kwargs.pop("description", "What the board heard"),
        **kwargs,
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)
