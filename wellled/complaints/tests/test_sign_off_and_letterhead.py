"""Sign-off that means something, and letters a trust can send.

A signed-off final response is what goes out: it is locked, and changing it
withdraws the sign-off. It is signed off only once drafted with its checklist
done, by someone other than whoever wrote it. Letters carry the trust's
letterhead, the date, the recipient's address and a greeting by title and surname.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.complaints import actions, letters
from wellled.complaints.models import Complainant, Complaint, Letter, Status
from wellled.complaints.tests.support import D, complainant, final_letter, issue, record
from wellled.complaints.tests.test_pages import date_parts, own_client, step
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CHECKLIST = (
    "confirms_how_considered",
    "confirms_conclusions",
    "confirms_actions",
    "confirms_ombudsman_rights",
)


def _awaiting_sign_off(trust, **overrides) -> Complaint:
    manager = trust.people["complaints_manager"]
    case = record(trust, **overrides)
    actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=D(2026, 3, 3),
        discussion_offered_on=D(2026, 3, 3),
    )
    actions.start_investigation(acting_user=manager, complaint=case)
    actions.record_issue_outcome(
        acting_user=manager, issue=issue(trust, case), outcome="not_upheld"
    )
    return actions.submit_draft(acting_user=manager, complaint=case)


def _sign(trust, case: Complaint, persona: str = "complaints_manager") -> Complaint:
    return actions.sign_off(
        acting_user=trust.people[persona],
        complaint=case,
        capacity="delegate",
        signed_off_on=D(2026, 3, 10),
    )


def test_whoever_wrote_the_response_cannot_sign_it_off(trust) -> None:
    case = _awaiting_sign_off(trust)
    final_letter(trust.people["complaints_manager"], case)
    with pytest.raises(ValidationError) as caught:
        _sign(trust, case)
    assert "someone else with sign-off authority" in " ".join(caught.value.messages)
    assert Complaint.objects.get(pk=case.pk).status == Status.DRAFT_RESPONSE
    signed = _sign(trust, case, "executive")
    assert signed.status == Status.SIGNED_OFF and signed.signed_off_by == trust.people["executive"]


def test_a_signed_off_response_is_locked_and_changing_it_withdraws_the_sign_off(trust) -> None:
    handler = trust.people["complaints_handler"]
    case = _awaiting_sign_off(trust)
    letter = final_letter(handler, case)
    _sign(trust, case)
    changed = {
        **dict.fromkeys(CHECKLIST, True),
        "subject": letter.subject,
        "body": letter.body + "\n\nA late addition.",
    }
    with pytest.raises(ValidationError) as caught:
        actions.edit_letter(acting_user=handler, letter=letter, **changed)
    assert "withdraw_sign_off" in caught.value.message_dict
    assert Letter.objects.get(pk=letter.pk).body == letter.body
    with pytest.raises(ValidationError):
        actions.draft_letter(acting_user=handler, complaint=case, kind="final")

    actions.edit_letter(acting_user=handler, letter=letter, withdraw_sign_off=True, **changed)
    after = Complaint.objects.get(pk=case.pk)
    assert after.status == Status.DRAFT_RESPONSE
    assert after.signed_off_by is None and after.signed_off_on is None
    assert AuditEvent.objects.filter(
        action="complaint.sign_off_withdrawn", object_id=str(case.pk)
    ).exists()
    # Sending is refused until someone signs the changed text again.
    with pytest.raises(ValidationError):
        actions.record_response(acting_user=handler, complaint=after, responded_on=D(2026, 3, 11))
    assert _sign(trust, after).status == Status.SIGNED_OFF


def test_the_letter_page_shows_the_lock_and_asks_before_withdrawing(trust) -> None:
    handler = trust.people["complaints_handler"]
    case = _awaiting_sign_off(trust)
    letter = final_letter(handler, case)
    _sign(trust, case)
    browser = own_client(handler)
    url = f"/complaints/{case.pk}/letters/{letter.pk}/"
    page = browser.get(url).content.decode()
    assert "Signed off and locked" in page and "Save and withdraw the sign-off" in page
    posted = {"subject": letter.subject, "body": "Changed text"}
    refused = browser.post(url, posted).content.decode()
    assert "Confirm that changing the response withdraws its sign-off" in refused
    assert Complaint.objects.get(pk=case.pk).status == Status.SIGNED_OFF
    done = browser.post(url, {**posted, "withdraw_sign_off": "on"}, follow=True)
    assert "must be signed off again" in done.content.decode()
    assert Complaint.objects.get(pk=case.pk).status == Status.DRAFT_RESPONSE


def test_the_signatory_is_told_what_is_missing_on_the_case_page(trust) -> None:
    case = _awaiting_sign_off(trust)
    manager = own_client(trust.people["complaints_manager"])
    page = manager.post(step(case, "sign_off"), {"sign_off-capacity": "delegate"}).content.decode()
    assert "Draft the final response letter first" in page
    letter = actions.draft_letter(
        acting_user=trust.people["complaints_handler"], complaint=case, kind="final"
    )
    page = manager.post(step(case, "sign_off"), {"sign_off-capacity": "delegate"}).content.decode()
    assert "Confirm every item of the final response checklist" in page
    assert not letter.checklist_complete
    assert Complaint.objects.get(pk=case.pk).status == Status.DRAFT_RESPONSE


@pytest.mark.parametrize(
    ("title", "name", "greeting"),
    [
        ("Ms", "Alex Rivera", "Dear Ms Rivera"),
        ("", "Alex Rivera", "Dear Alex Rivera"),
        ("", "Dr Sam Okafor", "Dear Dr Okafor"),
        ("Mx", "Jo", "Dear Mx Jo"),
        ("", "  ", "Dear Sir or Madam"),
    ],
)
def test_the_greeting_uses_the_title_and_surname_else_the_full_name(
    title: str, name: str, greeting: str
) -> None:
    assert letters.salutation(Complainant(title=title, full_name=name)) == greeting


def test_letters_carry_the_letterhead_the_date_the_address_and_the_greeting(trust) -> None:
    from docx import Document

    actions.save_letterhead(
        acting_user=trust.people["complaints_manager"],
        name="Wellford NHS Foundation Trust",
        address="Complaints Team\nWellford General Hospital\n\nWellford WF1 2AB",
        phone="01234 567890",
        email="complaints@wellford.example",
    )
    case = record(
        trust,
        complainant=complainant(title="Ms", address="12 High Street\nWellford WF2 3CD"),
    )
    letter = actions.draft_letter(
        acting_user=trust.people["complaints_handler"], complaint=case, kind="acknowledgement"
    )
    assert letter.body.startswith("Dear Ms Rivera\n")
    document = Document(io.BytesIO(letters.letter_docx(letter, "Fallback name")))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for expected in (
        "Wellford NHS Foundation Trust",
        "Wellford General Hospital",
        "Telephone 01234 567890",
        "Ms Alex Rivera\n12 High Street\nWellford WF2 3CD",
        f"Our reference {case.reference}",
        "Dear Ms Rivera",
    ):
        assert expected in text
    assert "Fallback name" not in text
    head = letters.letter_head(letter, "Fallback name")
    html = letters._letter_html(letter, head)
    assert "Wellford General Hospital" in html and head.dated in html and "12 High Street" in html
    assert letters.letter_pdf(letter, "Fallback name").startswith(b"%PDF")


def test_a_complaints_manager_sets_the_letterhead_and_a_handler_may_not(trust, client_for) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_letterhead(
            acting_user=trust.people["complaints_handler"], name="X", address="Y"
        )
    assert client_for("complaints_handler").post("/complaints/letterhead/", {}).status_code == 403
    manager = client_for("complaints_manager")
    refused = manager.post("/complaints/letterhead/", {"name": "Wellford", "address": ""})
    assert "Enter the address letters come from" in refused.content.decode()
    done = manager.post(
        "/complaints/letterhead/", {"name": "Wellford", "address": "1 Road\nWellford"}
    )
    assert done.status_code == 302
    assert "Change the letterhead" in manager.get("/complaints/letter-templates/").content.decode()


def test_step_confirmations_are_plain_sentences(trust, client_for) -> None:
    case = record(trust, received_on=D(2026, 3, 2))
    response = client_for("complaints_handler").post(
        step(case, "acknowledge"),
        {
            **date_parts("acknowledge-acknowledged_on", D(2026, 3, 3)),
            **date_parts("acknowledge-discussion_offered_on", D(2026, 3, 3)),
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"{case.reference}: the acknowledgement is recorded" in page
    assert "acknowledge recorded" not in page


def test_through_the_api_a_signed_off_response_changes_only_with_the_withdrawal(
    trust, api_for
) -> None:
    handler = trust.people["complaints_handler"]
    case = _awaiting_sign_off(trust)
    letter = final_letter(handler, case)
    _sign(trust, case)
    api = api_for("complaints_handler")
    url = f"/api/v1/complaints/{case.pk}/letters/{letter.pk}/"
    refused = api.patch(url, {"body": letter.body + "\n\nMore."}, format="json")
    assert refused.status_code == 400 and "withdraw_sign_off" in refused.json()
    assert Complaint.objects.get(pk=case.pk).status == Status.SIGNED_OFF
    done = api.patch(
        url, {"body": letter.body + "\n\nMore.", "withdraw_sign_off": True}, format="json"
    )
    assert done.status_code == 200
    assert Complaint.objects.get(pk=case.pk).status == Status.DRAFT_RESPONSE


def test_a_response_awaiting_sign_off_is_in_the_signers_work_and_asked_for_again(
    trust,
) -> None:
    """The executive is asked, on their home page, to sign a response they did not
    write; once signed it leaves their work, and an edit that withdraws the sign-off
    puts it back. Whoever wrote it is never asked, and staff without the right never."""
    from wellled.complaints.queries import sign_off_work

    handler = trust.people["complaints_handler"]
    executive = trust.people["executive"]
    case = _awaiting_sign_off(trust)
    letter = final_letter(handler, case)
    asked = [item.title for item in sign_off_work(executive)]
    assert asked == [f"Sign off the response to {case.reference}"]
    assert sign_off_work(trust.people["staff_member"]) == []

    _sign(trust, case, "executive")
    assert sign_off_work(executive) == []
    actions.edit_letter(
        acting_user=handler,
        letter=letter,
        subject=letter.subject,
        body=letter.body + "\n\nA late addition.",
        withdraw_sign_off=True,
        **dict.fromkeys(CHECKLIST, True),
    )
    assert [item.title for item in sign_off_work(executive)] == asked
    # The manager (who may sign off too) is asked until they change the text.
    manager = trust.people["complaints_manager"]
    assert [item.title for item in sign_off_work(manager)] == asked
    actions.edit_letter(
        acting_user=manager,
        letter=Letter.objects.get(pk=letter.pk),
        subject=letter.subject,
        body=letter.body + "\n\nAnother change.",
        **dict.fromkeys(CHECKLIST, True),
    )
    assert sign_off_work(manager) == []
    assert [item.title for item in sign_off_work(executive)] == asked


def test_the_signer_reads_the_response_on_the_case_page(trust) -> None:
    """An executive may not open the letter's own page (complaints staff only), so the
    sign-off step shows them the text they are signing, while there is one to sign."""
    case = _awaiting_sign_off(trust)
    letter = final_letter(trust.people["complaints_handler"], case)
    page = own_client(trust.people["executive"]).get(f"/complaints/{case.pk}/").content.decode()
    assert "The response you sign" in page and letter.subject in page
    _sign(trust, case, "executive")
    # Once signed there is nothing to sign: the case page no longer offers it.
    page = own_client(trust.people["complaints_manager"]).get(f"/complaints/{case.pk}/")
    assert page.status_code == 200 and letter.subject not in page.content.decode()
