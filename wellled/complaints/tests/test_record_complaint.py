"""Staff intake: references, clocks, the scope gate and the people on a case."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.models import Complainant, Complaint, Patient, Status
from wellled.complaints.tests.support import D, complainant, messages, record
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_complaint_gets_a_reference_and_its_clocks(trust) -> None:
    complaint = record(trust, received_on=D(2026, 4, 2))
    assert re.fullmatch(r"C-2026-\d{5}", complaint.reference)
    assert complaint.status == Status.RECEIVED
    # Good Friday and Easter Monday are not working days.
    assert complaint.acknowledgement_due == D(2026, 4, 9)
    # Reg 14(2): the six months beginning on 2 April end on 1 October.
    assert complaint.backstop_due == D(2026, 10, 1)
    assert complaint.response_due is None


def test_references_count_up_within_a_year_and_restart_each_year(trust) -> None:
    first = record(trust, received_on=D(2026, 1, 5))
    second = record(trust, received_on=D(2026, 1, 6))
    other_year = record(trust, received_on=D(2025, 12, 30))
    pals = record(trust, kind="pals")
    assert (first.reference, second.reference) == ("C-2026-00001", "C-2026-00002")
    assert other_year.reference == "C-2025-00001"
    assert pals.reference == "P-2026-00001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_never_share_a_reference(trust) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write transaction; the race needs PostgreSQL")
    references: list[str] = []
    failures: list[BaseException] = []

    def intake() -> None:
        try:
            references.append(record(trust).reference)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert len(set(references)) == 8


def test_intake_is_audited_without_personal_data(trust) -> None:
    complaint = record(trust)
    event = AuditEvent.objects.get(action="complaint.recorded", object_id=str(complaint.pk))
    assert event.object_repr == complaint.reference
    text = str(event.after)
    assert "Alex" not in text and "alex@example.org" not in text
    assert "waited" not in text
    assert event.after is not None
    assert event.after["complainant_id"] == complaint.complainant_id


def test_a_received_date_in_the_future_is_refused_and_nothing_is_saved(trust) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        record(trust, received_on=tomorrow)
    assert "cannot be in the future" in messages(caught)
    assert not Complaint.objects.exists()
    assert not Complainant.objects.exists()


def test_an_invalid_nhs_number_is_refused(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, patient=actions.PatientDetails("Sam Rivera", nhs_number="943 476 5918"))
    assert "not a valid NHS number" in messages(caught)
    assert not Patient.objects.exists()


def test_a_valid_nhs_number_is_stored_as_ten_digits(trust) -> None:
    complaint = record(trust, patient=actions.PatientDetails("Sam Rivera", "943 476 5919"))
    assert complaint.patient is not None
    assert complaint.patient.nhs_number == "9434765919"


def test_a_representative_needs_the_patient_and_their_consent_recorded(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, complainant=complainant(representative_basis="authorised"))
    text = messages(caught)
    assert "patient's details" in text
    assert "needs the patient's consent" in text
    with pytest.raises(ValidationError) as caught:
        record(
            trust,
            complainant=complainant(representative_basis="authorised", consent_status="given"),
            patient=actions.PatientDetails("Sam Rivera"),
        )
    assert "what shows consent was given" in messages(caught)
    complaint = record(
        trust,
        complainant=complainant(
            representative_basis="authorised",
            relationship="Daughter",
            consent_status="given",
            consent_evidence="Signed consent form received 3 March 2026",
        ),
        patient=actions.PatientDetails("Sam Rivera"),
    )
    assert complaint.complainant.consent_status == "given"
    assert complaint.patient is not None


def test_a_complainant_needs_a_name_and_a_way_to_reach_them(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, complainant=actions.ComplainantDetails(full_name=" "))
    assert "complainant's name" in messages(caught)
    assert "at least one way to reach" in messages(caught)


def test_a_late_complaint_is_recorded_and_waits_for_the_decision(trust) -> None:
    """Regulation 12: a complaint made after the 12 months is still received; the
    trust then decides on the waiver (test_time_limit.py). A note typed at intake is
    kept, but it is not the decision."""
    late = record(
        trust,
        received_on=D(2026, 3, 2),
        event_date=D(2024, 12, 1),
        late_acceptance_reason="Says they were in hospital until February",
    )
    assert late.time_limit_decision == "pending"
    assert late.time_limit_decided_on is None and late.late_good_reason is None
    assert record(trust, received_on=D(2026, 3, 2)).time_limit_decision == ""


def test_the_time_limit_runs_from_when_the_complainant_became_aware(trust) -> None:
    complaint = record(
        trust, received_on=D(2026, 3, 2), event_date=D(2024, 6, 1), aware_date=D(2025, 6, 1)
    )
    assert complaint.time_limit_decision == ""


def test_impossible_event_and_awareness_dates_are_refused(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, received_on=D(2026, 3, 2), event_date=D(2026, 3, 3))
    assert "cannot be after the complaint was received" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        record(trust, event_date=D(2026, 2, 1), aware_date=D(2026, 1, 1))
    assert "before it happened" in messages(caught)


def test_a_regulation_8_exclusion_is_recorded_closed_without_clocks(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, exclusion="b")
    assert "Say why" in messages(caught)
    complaint = record(trust, exclusion="b", exclusion_reason="A grievance about their rota")
    assert complaint.status == Status.CLOSED
    assert complaint.acknowledgement_due is None and complaint.backstop_due is None
    assert not complaint.under_regulations


def test_an_oral_complaint_resolved_by_the_next_working_day_is_outside_the_regulations(
    trust,
) -> None:
    # Received Thursday 2 April 2026: Good Friday is not a working day, so Tuesday 7 April.
    complaint = record(
        trust,
        kind="oral_resolved",
        channel="phone",
        received_on=D(2026, 4, 2),
        resolved_on=D(2026, 4, 7),
    )
    assert complaint.status == Status.CLOSED
    assert complaint.exclusion == "c"
    assert complaint.acknowledgement_due is None
    with pytest.raises(ValidationError) as caught:
        record(
            trust,
            kind="oral_resolved",
            channel="phone",
            received_on=D(2026, 4, 2),
            resolved_on=D(2026, 4, 8),
        )
    assert "after 7 April 2026, the next working day" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        record(trust, kind="oral_resolved", channel="letter", resolved_on=D(2026, 3, 2))
    assert "phone or in person" in messages(caught)


def test_a_pals_concern_has_no_statutory_clock(trust) -> None:
    concern = record(trust, kind="pals", channel="in_person")
    assert concern.reference.startswith("P-")
    assert concern.acknowledgement_due is None and concern.backstop_due is None


def test_the_team_must_belong_to_the_service_and_the_service_must_be_a_service(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, service=trust.other_service, team=trust.team)
    assert "is not a team of" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        record(trust, service=trust.site)
    assert "is not a service" in messages(caught)


def test_the_handler_must_be_able_to_handle_complaints(trust) -> None:
    with pytest.raises(ValidationError) as caught:
        record(trust, handler=trust.people["service_lead"])
    assert "cannot handle complaints" in messages(caught)


@pytest.mark.parametrize(
    "persona",
    [
        "service_lead",
        "board_member",
        "governance_lead",
        "executive",
        "outsider",
        "operator",
        "guardian",
    ],
)
def test_only_complaints_staff_record_complaints(trust, persona) -> None:
    with pytest.raises(PermissionDenied):
        record(trust, acting=persona)
    assert not Complaint.objects.exists()


def test_a_handler_records_complaints_too(trust) -> None:
    assert record(trust, acting="complaints_handler").pk
