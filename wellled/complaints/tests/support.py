"""Helpers for the complaints tests: a case recorded through the real actions."""

from __future__ import annotations

import datetime
from typing import Any

from wellled.complaints import actions
from wellled.complaints.models import Complaint, ComplaintIssue, ReferenceItem
from wellled.complaints.reference import load_reference_data
from wellled.core.testing import Trust

D = datetime.date


def ref(list_name: str, code: str) -> ReferenceItem:
    """A reference list entry. The data migration loads them; a transactional test
    (the browser walk) flushes them, so they are recreated when missing."""
    item, _ = ReferenceItem.objects.get_or_create(
        list=list_name, code=code, defaults={"label": code.replace("_", " ").capitalize()}
    )
    return item


def code_lists() -> None:
    """The complaints code lists as the data migration loads them, reloaded when an
    earlier transactional test's flush has emptied the table."""
    if not ReferenceItem.objects.exists():
        load_reference_data(ReferenceItem)


def complainant(**overrides: Any) -> actions.ComplainantDetails:
    values: dict[str, Any] = {"full_name": "Alex Rivera", "email": "alex@example.org"}
    values.update(overrides)
    return actions.ComplainantDetails(**values)


def record(trust: Trust, *, acting: str = "complaints_manager", **overrides: Any) -> Complaint:
    values: dict[str, Any] = {
        "channel": "letter",
        "received_on": D(2026, 3, 2),
        "service": trust.service,
        "summary": "My father waited three weeks for a call back.",
        "complainant": complainant(),
        "handler": trust.people["complaints_handler"],
    }
    values.update(overrides)
    return actions.record_complaint(acting_user=trust.people[acting], **values)


def issue(trust: Trust, complaint: Complaint, **overrides: Any) -> ComplaintIssue:
    values: dict[str, Any] = {
        "description": "No call back for three weeks",
        "subject": ref("ko41a_subject", "communications"),
        "service_area": ref("ko41a_service_area", "mental_health"),
        "profession": ref("profession", "nursing"),
    }
    values.update(overrides)
    return actions.add_issue(
        acting_user=trust.people["complaints_manager"], complaint=complaint, **values
    )


def messages(exc_info: Any) -> str:
    """Every message of a ValidationError, as one string to search."""
    return " ".join(exc_info.value.messages)


def to_responded(trust: Trust, complaint: Complaint, *, outcome: str = "upheld") -> Complaint:
    """Walk a fresh complaint through acknowledgement to a sent response."""
    manager = trust.people["complaints_manager"]
    received = complaint.received_on
    complaint = actions.acknowledge(
        acting_user=manager,
        complaint=complaint,
        acknowledged_on=received + datetime.timedelta(days=1),
        discussion_offered_on=received + datetime.timedelta(days=1),
    )
    complaint = actions.agree_response_date(
        acting_user=manager,
        complaint=complaint,
        response_due=received + datetime.timedelta(days=40),
        agreed_on=received + datetime.timedelta(days=2),
        how_agreed="phone",
    )
    complaint = actions.start_investigation(acting_user=manager, complaint=complaint)
    found = issue(trust, complaint)
    actions.record_issue_outcome(acting_user=manager, issue=found, outcome=outcome)
    complaint = actions.submit_draft(acting_user=manager, complaint=complaint)
    # The handler writes the response; the manager, who did not, signs it off.
    final_letter(trust.people["complaints_handler"], complaint)
    complaint = actions.sign_off(
        acting_user=manager,
        complaint=complaint,
        capacity="delegate",
        signed_off_on=received + datetime.timedelta(days=30),
    )
    return actions.record_response(
        acting_user=manager,
        complaint=complaint,
        responded_on=received + datetime.timedelta(days=31),
    )


def final_letter(acting_user: Any, complaint: Complaint) -> Any:
    """A final response drafted from the standard template, its checklist confirmed."""
    letter = actions.draft_letter(acting_user=acting_user, complaint=complaint, kind="final")
    return actions.edit_letter(
        acting_user=acting_user,
        letter=letter,
        subject=letter.subject,
        body=letter.body,
        confirms_how_considered=True,
        confirms_conclusions=True,
        confirms_actions=True,
        confirms_ombudsman_rights=True,
    )


def respond(trust: Trust, complaint: Complaint, on: D) -> Complaint:
    """Draft the final letter, tick its checklist, sign off and send it on `on`."""
    manager = trust.people["complaints_manager"]
    final_letter(trust.people["complaints_handler"], complaint)
    complaint = actions.submit_draft(acting_user=manager, complaint=complaint)
    complaint = actions.sign_off(
        acting_user=manager, complaint=complaint, capacity="delegate", signed_off_on=on
    )
    return actions.record_response(acting_user=manager, complaint=complaint, responded_on=on)


def walk(
    trust: Trust,
    complaint: Complaint,
    *,
    acknowledged: D,
    due: D,
    responded: D,
    subject: str,
    outcome: str = "not_upheld",
) -> Complaint:
    manager = trust.people["complaints_manager"]
    complaint = actions.acknowledge(
        acting_user=manager,
        complaint=complaint,
        acknowledged_on=acknowledged,
        discussion_offered_on=acknowledged,
    )
    complaint = actions.agree_response_date(
        acting_user=manager,
        complaint=complaint,
        response_due=due,
        agreed_on=acknowledged,
        how_agreed="phone",
    )
    complaint = actions.start_investigation(acting_user=manager, complaint=complaint)
    found = issue(trust, complaint, subject=ref("ko41a_subject", subject))
    actions.record_issue_outcome(acting_user=manager, issue=found, outcome=outcome)
    return respond(trust, complaint, responded)


def measures_history(trust: Trust) -> dict[str, Complaint]:
    """March 2026: one complaint on time, one late (and later reopened), one never
    acknowledged, and a PALS concern that no measure counts."""
    received = D(2026, 3, 2)  # a Monday: acknowledgement due Thursday 5 March
    on_time = record(trust, received_on=received, site=trust.site)
    on_time = walk(
        trust,
        on_time,
        acknowledged=D(2026, 3, 3),
        due=D(2026, 4, 10),
        responded=D(2026, 4, 2),
        subject="communications",
    )
    late = record(trust, received_on=received, service=trust.other_service, site=trust.other_site)
    late = walk(
        trust,
        late,
        acknowledged=D(2026, 3, 10),
        due=D(2026, 4, 1),
        responded=D(2026, 4, 20),
        subject="waiting_times",
    )
    late = actions.reopen(
        acting_user=trust.people["complaints_manager"],
        complaint=late,
        reason="New questions",
        reopened_on=D(2026, 5, 5),
    )
    ignored = record(trust, received_on=received)
    issue(trust, ignored, subject=ref("ko41a_subject", "communications"))
    issue(trust, ignored, subject=ref("ko41a_subject", "communications"))
    concern = record(trust, received_on=received, kind="pals", complainant=complainant())
    return {"on_time": on_time, "late": late, "ignored": ignored, "concern": concern}
