"""Who may open each URL of assurance: merged into tests/test_url_permissions.py."""

from __future__ import annotations

import datetime
from typing import Any

from tests.url_access_groups import Access, Samples
from wellled.core.testing import Trust

# VIEW_ASSURANCE: the board's readers, and the service lead over their service.
VIEWERS = frozenset(
    {"board_member", "executive", "governance_lead", "auditor", "service_lead", "operator"}
)
# CONTRIBUTE_EVIDENCE (or MANAGE_ASSURANCE): leaders who add evidence.
CONTRIBUTORS = frozenset(
    {
        "executive",
        "governance_lead",
        "complaints_manager",
        "service_lead",
        "guardian",
        "edi_lead",
        "involvement_lead",
        "operator",
    }
)
READERS = VIEWERS | CONTRIBUTORS
MANAGERS = frozenset({"governance_lead", "operator"})
OWNER_OR_MANAGER = MANAGERS | {"service_lead"}

ACCESS: Access = {
    "assurance:index": READERS,
    "assurance:frameworks": READERS,
    "assurance:framework": READERS,
    "assurance:round_new": MANAGERS,
    "assurance:trend": VIEWERS,
    # A round of the service: the service lead's scope as well as the trust's readers.
    "assurance:round": VIEWERS,
    "assurance:owners": MANAGERS,
    "assurance:round_close": MANAGERS,
    "assurance:round_limiters": MANAGERS,
    "assurance:score": VIEWERS,
    # The live rating on the scoring form (POST only): whoever sees the statement.
    "assurance:score_preview": VIEWERS,
    # A question of a round under a 2026 draft framework: whoever sees the round.
    "assurance:question": VIEWERS,
    "assurance:judgement": MANAGERS,
    "assurance:evidence": READERS,
    "assurance:evidence_new": CONTRIBUTORS,
    # An item of the service: everyone who reads assurance there.
    "assurance:evidence_detail": READERS,
    "assurance:evidence_download": READERS,
    # The sample item's owner (the service lead) and the governance lead over it.
    "assurance:evidence_edit": OWNER_OR_MANAGER,
    "assurance:evidence_retire": OWNER_OR_MANAGER,
    "assurance:pack_start": READERS,
    "assurance:pack_download": frozenset({"governance_lead"}),  # the job's starter only
    "assurance:well_led": VIEWERS,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "assurance-framework-list": READERS,
    "assurance-framework-detail": READERS,
    "assurance-round-list": VIEWERS,
    "assurance-round-detail": VIEWERS,
    "assurance-round-scores": MANAGERS,
    "assurance-round-close": MANAGERS,
    "assurance-round-limiters": MANAGERS,
    "assurance-ratings": READERS,
    "assurance-evidence-list": READERS,
    "assurance-evidence-detail": READERS,
    "assurance-evidence-change": OWNER_OR_MANAGER,
    "assurance-evidence-retire": OWNER_OR_MANAGER,
}


def _service_round(trust: Trust) -> dict[str, Any]:
    from wellled.assurance import actions

    round_ = actions.open_round(
        acting_user=None,
        scope=trust.service,
        methodology_id="saf_2024_statements",
        title="Service self-assessment",
    )
    return {"pk": round_.pk}


def _judged_round(trust: Trust) -> dict[str, Any]:
    from wellled.assurance import actions

    round_ = actions.open_round(
        acting_user=None,
        scope=trust.service,
        methodology_id="cqc_2026_mental_health_draft",
        title="Service self-assessment under the 2026 draft",
    )
    return {"pk": round_.pk}


def _score(trust: Trust) -> dict[str, Any]:
    return {**_service_round(trust), "statement_id": "learning-culture"}


def _document(trust: Trust) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wellled.assurance import actions

    item = actions.add_evidence(
        acting_user=None,
        kind="document",
        title="Ward safety huddle audit",
        unit=trust.service,
        statement_ids=["learning-culture"],
        owner=trust.people["service_lead"],
        evidence_date=datetime.date(2026, 1, 5),
        review_date=datetime.date(2027, 1, 5),
        upload=SimpleUploadedFile("audit.csv", b"ward,score\nA,3\n", content_type="text/csv"),
    )
    return {"pk": item.pk}


def _pack(trust: Trust) -> dict[str, Any]:
    from wellled.assurance import actions
    from wellled.core.tasks import run_job

    job = actions.start_inspection_pack(
        acting_user=trust.people["governance_lead"], statement_id="freedom-to-speak-up"
    )
    run_job(str(job.id))
    return {"job_id": job.id}


SAMPLES: Samples = {
    "assurance:framework": lambda t: {"methodology_id": "saf_2024_statements"},
    "assurance:round": _service_round,
    "assurance:owners": _service_round,
    "assurance:round_close": _service_round,
    "assurance:round_limiters": _service_round,
    "assurance:score": _score,
    "assurance:score_preview": _score,
    "assurance:question": lambda t: {**_judged_round(t), "question_id": "strategic-direction"},
    "assurance:judgement": lambda t: {**_judged_round(t), "key_question": "well-led"},
    "assurance:evidence_edit": _document,
    "assurance:evidence_retire": _document,
    "assurance:evidence_detail": _document,
    "assurance:evidence_download": _document,
    "assurance:pack_start": lambda t: {"statement_id": "freedom-to-speak-up"},
    "assurance:pack_download": _pack,
    "assurance-framework-detail": lambda t: {"pk": "saf_2024_statements"},
    "assurance-round-detail": _service_round,
    "assurance-round-scores": _service_round,
    "assurance-round-close": _service_round,
    "assurance-round-limiters": _service_round,
    "assurance-evidence-change": _document,
    "assurance-evidence-retire": _document,
    "assurance-evidence-detail": _document,
}
