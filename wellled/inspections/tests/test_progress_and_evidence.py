"""Owners record progress, milestones and evidence; done needs evidence."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.inspections import actions
from wellled.inspections.models import ActionPlan, CompletionEvidence
from wellled.inspections.tests.support import PNG_BYTES, pdf_upload, planned

pytestmark = pytest.mark.django_db


def _note(plan: ActionPlan) -> None:
    actions.add_evidence(
        acting_user=None, plan=plan, kind="note", title="Audit", note="Audit of 40 cases."
    )


def test_the_owner_records_progress_on_their_own_action(trust: Trust, client_for) -> None:
    plan = planned(trust, owner="complaints_manager")
    client = client_for("complaints_manager")
    response = client.post(
        f"/inspections/actions/{plan.pk}/progress/",
        {"status": "at_risk", "note": "Two investigators on leave."},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "at_risk"
    assert plan.updates.get().note == "Two investigators on leave."
    # The owner has no inspections role, yet sees their action.
    assert client.get(f"/inspections/actions/{plan.pk}/").status_code == 200
    assert client.get("/inspections/actions/").status_code == 200
    assert client.get("/inspections/").status_code == 403


@pytest.mark.parametrize("persona", ["executive", "board_member", "complaints_manager", "guardian"])
def test_others_cannot_update_someone_elses_action(trust: Trust, persona: str, client_for) -> None:
    plan = planned(trust, owner="service_lead")
    with pytest.raises(PermissionDenied):
        actions.record_progress(
            acting_user=trust.people[persona], plan=plan, note="x", status="on_track"
        )
    with pytest.raises(PermissionDenied):
        _evidence_by(trust, persona, plan)
    response = client_for(persona).post(
        f"/inspections/actions/{plan.pk}/progress/", {"status": "on_track", "note": "x"}
    )
    assert response.status_code in (403, 404)
    assert not plan.updates.exists()


def _evidence_by(trust: Trust, persona: str, plan: ActionPlan) -> None:
    actions.add_evidence(
        acting_user=trust.people[persona], plan=plan, kind="note", title="x", note="y"
    )


def test_a_governance_lead_updates_any_action(trust: Trust) -> None:
    plan = planned(trust, owner="service_lead")
    actions.record_progress(
        acting_user=trust.people["governance_lead"], plan=plan, note="Chased", status="at_risk"
    )
    plan.refresh_from_db()
    assert plan.status == "at_risk"


def test_done_without_evidence_is_refused_with_a_clear_message(trust: Trust, client_for) -> None:
    plan = planned(trust)
    with pytest.raises(ValidationError) as error:
        actions.record_progress(acting_user=None, plan=plan, note="Finished", status="done")
    assert error.value.message_dict["status"] == [
        "Add evidence of completion (a document, a link or a note) before marking the action done"
    ]
    response = client_for("service_lead").post(
        f"/inspections/actions/{plan.pk}/progress/", {"status": "done", "note": "Finished"}
    )
    assert "Add evidence of completion" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "not_started" and not plan.updates.exists()


def test_done_with_evidence_records_the_date(trust: Trust) -> None:
    plan = planned(trust)
    _note(plan)
    day = timezone.localdate() - datetime.timedelta(days=3)
    actions.record_progress(acting_user=None, plan=plan, note="Done", status="done", written_on=day)
    plan.refresh_from_db()
    assert (plan.status, plan.done_on, plan.awaiting_sign_off) == ("done", day, True)


def test_overdue_is_worked_out_not_set(trust: Trust) -> None:
    plan = planned(trust)
    with pytest.raises(ValidationError, match="Overdue is worked out from the due date"):
        actions.record_progress(acting_user=None, plan=plan, note="Late", status="overdue")
    today = timezone.localdate()
    plan.due_date = today - datetime.timedelta(days=1)
    assert plan.shown_status(today) == "overdue"
    _note(plan)
    actions.record_progress(acting_user=None, plan=plan, note="Done", status="done")
    plan.refresh_from_db()
    assert plan.shown_status(today) == "done"


def test_a_progress_note_cannot_be_dated_in_the_future(trust: Trust) -> None:
    plan = planned(trust)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        actions.record_progress(
            acting_user=None,
            plan=plan,
            note="Ahead",
            status="on_track",
            written_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_milestones_are_added_and_met_by_the_owner(trust: Trust, client_for) -> None:
    plan = planned(trust)
    client = client_for("service_lead")
    response = client.post(
        f"/inspections/actions/{plan.pk}/milestones/new/",
        {"title": "Audit", "due_date_day": "1", "due_date_month": "6", "due_date_year": "2029"},
    )
    assert response.status_code == 302
    first = plan.milestones.order_by("due_date").first()
    assert first is not None
    assert client.post(f"/inspections/milestones/{first.pk}/done/").status_code == 302
    first.refresh_from_db()
    assert first.done_on == timezone.localdate()
    denied = client_for("executive").post(f"/inspections/milestones/{first.pk}/done/")
    assert denied.status_code == 403


def test_a_real_pdf_is_stored_under_our_own_name(trust: Trust, client_for) -> None:
    plan = planned(trust)
    response = client_for("service_lead").post(
        f"/inspections/actions/{plan.pk}/evidence/",
        {"kind": "file", "title": "Board minutes", "file": pdf_upload("../../minutes.pdf")},
    )
    assert response.status_code == 302
    evidence = CompletionEvidence.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name == f"inspections/evidence/{plan.pk}/{evidence.pk}.pdf"
    download = client_for("board_member").get(f"/inspections/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for("guardian").get(f"/inspections/evidence/{evidence.pk}/").status_code == 403


def test_a_png_passes_and_a_text_file_named_pdf_is_refused(trust: Trust) -> None:
    plan = planned(trust)
    png = SimpleUploadedFile("chart.png", PNG_BYTES, content_type="image/png")
    actions.add_evidence(acting_user=None, plan=plan, kind="file", title="Chart", upload=png)
    fake = SimpleUploadedFile("report.pdf", b"just text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        actions.add_evidence(acting_user=None, plan=plan, kind="file", title="Fake", upload=fake)
    assert "judged from its content, not its name" in error.value.message_dict["file"][0]
    assert CompletionEvidence.objects.count() == 1


@override_settings(MAX_UPLOAD_BYTES=20)
def test_a_file_over_the_size_limit_is_refused(trust: Trust) -> None:
    plan = planned(trust)
    with pytest.raises(ValidationError) as error:
        actions.add_evidence(
            acting_user=None, plan=plan, kind="file", title="Big", upload=pdf_upload()
        )
    assert error.value.message_dict["file"][0].startswith("The file must be smaller than")
    assert not CompletionEvidence.objects.exists()


def test_links_and_notes_need_their_content(trust: Trust) -> None:
    plan = planned(trust)
    with pytest.raises(ValidationError) as error:
        actions.add_evidence(acting_user=None, plan=plan, kind="link", title="x", url="ftp://x")
    assert "starting https://" in error.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as error:
        actions.add_evidence(acting_user=None, plan=plan, kind="note", title="x", note=" ")
    assert "Enter the note" in error.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as error:
        actions.add_evidence(acting_user=None, plan=plan, kind="file", title="x")
    assert error.value.message_dict["file"] == ["Choose a file to upload"]
