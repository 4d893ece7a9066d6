"""The 12-month time limit and its waiver (regulation 12).

Regulation 12 of the Local Authority Social Services and National Health Service
Complaints (England) Regulations 2009 (https://www.legislation.gov.uk/uksi/2009/309/regulation/12):
a complaint must be made not later than 12 months after the matter occurred or, if
later, came to the complainant's notice; the limit does not apply if the responsible
body is satisfied that "the complainant had good reasons for not making the complaint
within that time limit" and "notwithstanding the delay, it is still possible to
investigate the complaint effectively and fairly".
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from wellled.complaints import actions, clocks
from wellled.complaints.models import Complaint, LateResponseTask
from wellled.complaints.tests.support import messages, record
from wellled.complaints.tests.test_pages import detail, step
from wellled.complaints.tests.test_public_form import FORM, answers
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _late(trust) -> Complaint:
    """Received ten days ago about events some 17 months before."""
    today = timezone.localdate()
    return record(
        trust,
        received_on=today - datetime.timedelta(days=10),
        event_date=today - datetime.timedelta(days=520),
    )


def _decide(trust, case: Complaint, *, good: bool, fair: bool, who: str = "complaints_manager"):
    return actions.decide_time_limit(
        acting_user=trust.people[who],
        complaint=case,
        good_reason=good,
        good_reason_note="In hospital for most of the year after the operation",
        still_investigable=fair,
        still_investigable_note="The notes and the rota for the ward are kept",
    )


def test_the_waiver_needs_a_reason_on_each_limb(trust) -> None:
    """Both limbs of regulation 12 are decided on, each with its own reason."""
    case = _late(trust)
    assert case.time_limit_decision == "pending"
    with pytest.raises(ValidationError) as caught:
        actions.decide_time_limit(
            acting_user=trust.people["complaints_manager"],
            complaint=case,
            good_reason=True,
            good_reason_note=" ",
            still_investigable=True,
            still_investigable_note="",
        )
    errors = caught.value.message_dict
    assert "good reason not to complain within 12 months" in errors["good_reason_note"][0]
    assert "investigated effectively and fairly" in errors["still_investigable_note"][0]
    case.refresh_from_db()
    assert case.time_limit_decision == "pending"


def test_both_limbs_met_accepts_the_complaint_and_records_who_decided(trust) -> None:
    case = _decide(trust, _late(trust), good=True, fair=True)
    assert case.time_limit_decision == "waived"
    assert case.late_good_reason is True and case.late_still_investigable is True
    assert case.time_limit_decided_by == trust.people["complaints_manager"]
    assert case.time_limit_decided_on == timezone.localdate()
    assert case.status == "received" and case.closed_on is None
    assert "The notes and the rota" in case.late_acceptance_reason
    event = AuditEvent.objects.filter(action="complaint.time_limit_decided").get()
    # The audit trail keeps the decision, never the reasons' words.
    assert (event.after or {}).get("time_limit_decision") == "waived"
    assert "hospital" not in str(event.before) + str(event.after)


@pytest.mark.parametrize(("good", "fair"), [(False, True), (True, False)])
def test_either_limb_unmet_refuses_closes_and_drafts_the_letter(trust, good, fair) -> None:
    """The limit is lifted only if the trust is satisfied of both limbs."""
    case = _decide(trust, _late(trust), good=good, fair=fair)
    assert case.time_limit_decision == "refused"
    assert case.status == "closed" and case.closed_on == timezone.localdate()
    assert case.late_acceptance_reason == ""
    letter = case.letters.get()
    assert letter.kind == "time_limit" and letter.sent_on is None
    limit = clocks.time_limit(case.event_date, case.aware_date)
    assert limit is not None
    assert f"{limit.day} {limit:%B %Y}" in letter.body
    assert "The notes and the rota for the ward are kept" in letter.body
    assert (
        "(not met)" in letter.body and "Parliamentary and Health Service Ombudsman" in letter.body
    )
    # A closed case runs no clock: no late-response task is ever opened for it.
    actions.open_late_response_tasks(today=timezone.localdate() + datetime.timedelta(days=400))
    assert not LateResponseTask.objects.filter(complaint=case).exists()


def test_a_complaint_made_in_time_has_nothing_to_decide(trust) -> None:
    case = record(trust, received_on=timezone.localdate())
    with pytest.raises(ValidationError) as caught:
        _decide(trust, case, good=True, fair=True)
    assert "within the 12-month time limit" in messages(caught)


def test_the_refusal_letter_is_only_for_a_refused_complaint(trust) -> None:
    case = _decide(trust, _late(trust), good=True, fair=True)
    with pytest.raises(ValidationError) as caught:
        actions.draft_letter(
            acting_user=trust.people["complaints_manager"], complaint=case, kind="time_limit"
        )
    assert "not accepted after the 12-month time limit" in messages(caught)


def test_only_complaints_staff_decide(trust) -> None:
    """Denied: a service lead sees the case but does not manage complaints."""
    case = _late(trust)
    with pytest.raises(PermissionDenied):
        _decide(trust, case, good=True, fair=True, who="service_lead")
    case.refresh_from_db()
    assert case.time_limit_decision == "pending"


def test_the_case_page_records_a_refusal(trust, client_for) -> None:
    case = _late(trust)
    client = client_for("complaints_handler")
    page = client.get(detail(case)).content.decode()
    assert "Decide on the 12-month time limit" in page
    refused = client.post(step(case, "time_limit"), {"time_limit-good_reason": "no"})
    body = refused.content.decode()
    assert "Say whether it can still be investigated fairly" in body
    response = client.post(
        step(case, "time_limit"),
        {
            "time_limit-good_reason": "no",
            "time_limit-good_reason_note": "Knew of it at the time and gave no reason",
            "time_limit-still_investigable": "yes",
            "time_limit-still_investigable_note": "Records are kept",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.time_limit_decision == "refused" and case.status == "closed"
    page = client.get(detail(case)).content.decode()
    assert "Not accepted: made after the 12-month time limit" in page
    assert "Good reason for the delay: no" in page


def test_the_case_page_step_is_denied_to_those_who_do_not_manage_complaints(
    trust, client_for
) -> None:
    case = _late(trust)
    response = client_for("service_lead").post(
        step(case, "time_limit"),
        {"time_limit-good_reason": "yes", "time_limit-still_investigable": "yes"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.time_limit_decision == "pending"


def test_a_late_complaint_made_online_waits_for_the_decision_with_no_placeholder(trust) -> None:
    """The public form asks nothing more than when it happened; the decision is the
    complaints team's, and no invented reason is stored."""
    long_ago = timezone.localdate() - datetime.timedelta(days=600)
    dates = {
        "event_date_day": str(long_ago.day),
        "event_date_month": str(long_ago.month),
        "event_date_year": str(long_ago.year),
    }
    assert Client().post(FORM, answers(trust, **dates)).status_code == 302
    case = Complaint.objects.get()
    assert case.event_date == long_ago and case.time_limit_decision == "pending"
    assert case.late_acceptance_reason == "" and case.time_limit_decided_by is None


def test_reasons_recorded_before_the_decision_existed_are_carried_over(trust) -> None:
    """The data migration (0009): a free-text reason typed by staff stays accepted
    (who decided and each limb were never recorded, so they stay empty); the online
    form's old placeholder was no decision, so it becomes "to decide"."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("wellled.complaints.migrations.0009_time_limit_decision")
    typed, online = _late(trust), _late(trust)
    # As the old code left them: a reason, no decision.
    Complaint.objects.filter(pk=typed.pk).update(
        time_limit_decision="", late_acceptance_reason="In hospital for a year"
    )
    Complaint.objects.filter(pk=online.pk).update(
        time_limit_decision="", late_acceptance_reason=migration.PLACEHOLDER
    )
    migration.carry_over_reasons(apps, None)
    typed.refresh_from_db()
    online.refresh_from_db()
    assert typed.time_limit_decision == "waived"
    assert typed.late_acceptance_reason == "In hospital for a year"
    assert typed.time_limit_decided_by is None and typed.late_good_reason is None
    assert online.time_limit_decision == "pending" and online.late_acceptance_reason == ""
