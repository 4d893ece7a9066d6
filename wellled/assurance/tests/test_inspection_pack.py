"""The inspection pack: a background job producing a ZIP with a PDF index and documents."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from wellled.assurance import actions
from wellled.assurance.tests.support import evidence, upload
from wellled.core.models import Job
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_pack_holds_an_index_and_the_documents(
    client_for,
    trust: Trust,
    django_capture_on_commit_callbacks,
) -> None:
    evidence(
        trust,
        kind="document",
        title="Guardian report",
        upload=upload("report.csv", b"quarter,concerns\nQ1,12\n"),
        category_ids=["processes"],
    )
    evidence(trust, title="Champions network", review_in=-5)
    evidence(trust, title="Other statement", statements=["partnerships-and-communities"])
    client = client_for("governance_lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/assurance/evidence/pack/freedom-to-speak-up/")
    job = Job.objects.get(kind=actions.PACK_JOB_KIND)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.id}/"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["items"] == 2 and job.result["stale"] == 1
    download = client.get(job.result_url)
    assert download.status_code == 200
    archive = _zip(download)
    assert sorted(archive.namelist()) == ["documents/002-report.csv", "index.pdf"]
    assert archive.read("documents/002-report.csv") == b"quarter,concerns\nQ1,12\n"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read("index.pdf"))).pages
    )
    assert "Freedom to speak up" in text
    assert "Guardian report" in text and "Champions network" in text
    assert "past review" in text and "Other statement" not in text
    # Only the person who started the job may download it.
    assert client_for("board_member").get(job.result_url).status_code == 403


def test_a_pack_for_an_unknown_statement_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError):
        actions.start_inspection_pack(
            acting_user=trust.people["governance_lead"], statement_id="made-up"
        )


def test_people_without_assurance_access_cannot_export(trust: Trust) -> None:
    with pytest.raises(PermissionDenied):
        actions.start_inspection_pack(
            acting_user=trust.people["staff_member"], statement_id="freedom-to-speak-up"
        )
