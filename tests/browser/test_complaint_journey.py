"""Issue #15's "Done when", in a real browser: a complaints manager takes a new online
complaint from the triage queue to closure, with learning and an improvement action,
without leaving the case (the letter's own page aside) and in under 15 submits.

Two things are done by other people, as in the trust, and are not the manager's
submits: an executive signs the response off in a browser of their own (the signer
must not be the drafter; their submits are counted apart), and the action's owner
completes it with evidence through its action (closing waits for that).

Each step's page is saved as a screenshot in the artefacts directory
(`WELLLED_TEST_ARTEFACTS`, else pytest's temporary directory for the test), and
every case page on the way is checked with axe: nothing serious or critical.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from django.utils import timezone

from wellled.complaints.models import Complaint, Status

AXE = Axe()
SUBMIT_LIMIT = 15


class Journey:
    """Counts the manager's submits, keeps a screenshot of each page reached, and
    collects axe's serious and critical findings."""

    def __init__(self, page, folder: Path) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.folder = folder
        self.submits = 0
        self.problems: list[str] = []
        self.paths: list[str] = []

    def keep(self, name: str) -> None:
        self.paths.append(urlsplit(self.page.url).path)
        shot = self.folder / f"{len(list(self.folder.iterdir())):02d}-{name}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        for violation in AXE.run(self.page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                self.problems.append(f"{name}: axe {violation['impact']} {violation['id']}")

    def submit(self, button, name: str) -> None:  # type: ignore[no-untyped-def]
        self.submits += 1
        with self.page.expect_navigation():
            button.click()
        assert "There is a problem" not in self.page.content(), f"{name} was refused"
        self.keep(name)

    def next_step(self, name: str) -> None:
        """Take the case's one next step (its form is already filled in)."""
        card = self.page.locator("#next-step")
        self.submit(card.locator("button[type=submit]"), name)


def _fill_date(scope, prefix: str, day: datetime.date) -> None:  # type: ignore[no-untyped-def]
    scope.locator(f"[name={prefix}_day]").fill(str(day.day))
    scope.locator(f"[name={prefix}_month]").fill(str(day.month))
    scope.locator(f"[name={prefix}_year]").fill(str(day.year))


def _artefacts(tmp_path: Path) -> Path:
    root = os.environ.get("WELLLED_TEST_ARTEFACTS")
    folder = (Path(root) if root else tmp_path) / "complaint-journey"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _investigate(journey: Journey, trust, today: datetime.date) -> None:  # type: ignore[no-untyped-def]
    """From acknowledged to the issue's learning and its action, on the case page."""
    page = journey.page
    card = page.locator("#next-step")
    _fill_date(card, "agree_response_date-response_due", today + datetime.timedelta(days=30))
    card.locator("[name=agree_response_date-how_agreed]").select_option("phone")
    journey.next_step("response-date-agreed")
    journey.next_step("investigating")

    card = page.locator("#next-step")
    card.locator("[name=add_issue-description]").fill("Discharged without medicines")
    for field in ("subject", "service_area", "profession"):
        card.locator(f"[name=add_issue-{field}]").select_option(index=1)
    journey.next_step("issue-added")
    page.locator("#next-step").get_by_label("Upheld", exact=True).check()
    journey.next_step("upheld")
    page.locator("#next-step [name=learning-learning_statement]").fill(
        "Pharmacy must confirm medicines before a discharge is booked."
    )
    journey.next_step("learning")

    # The learning is on the issue's card, and so is the form to raise its action.
    issue_card = page.locator("#issue-1")
    issue_card.locator("[name=action-description]").fill(
        "Add a medicines check to the discharge list"
    )
    issue_card.locator("[name=action-owner]").select_option(str(trust.people["service_lead"].pk))
    _fill_date(issue_card, "action-due_on", today + datetime.timedelta(days=14))
    journey.submit(issue_card.get_by_role("button", name="Raise the action"), "action-raised")


def _sign_off_as(signer, page_as, folder: Path, case) -> Journey:  # type: ignore[no-untyped-def]
    """A second person, with sign-off authority, signs the response off on the case
    page: its next step for them is the sign-off."""
    journey = Journey(page_as(signer), folder)
    journey.page.goto("/")
    journey.keep("signer-is-asked")
    journey.page.get_by_role("link", name=f"Sign off the response to {case.reference}").click()
    journey.keep("signer-reads-the-case")
    card = journey.page.locator("#next-step")
    # They read the response they sign where they sign it.
    assert "ombudsman" in card.locator(".wl-letter-preview").inner_text().lower()
    card.get_by_label("Delegate of the responsible person").check()
    journey.next_step("signer-signed-off")
    assert Complaint.objects.get(pk=case.pk).signed_off_by == signer
    return journey


def _online_complaint(trust):  # type: ignore[no-untyped-def]
    """A complaint sent on the public form, with the code lists its issue step needs."""
    from wellled.complaints import actions
    from wellled.complaints.tests.support import code_lists, complainant

    code_lists()  # a transactional test's flush may have emptied them
    return actions.submit_public_complaint(
        service=trust.service,
        summary="My mother was discharged without her medicines.",
        complainant=complainant(),
    )


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=False)
def test_a_manager_takes_an_online_complaint_to_closure_from_the_case(  # type: ignore[no-untyped-def]
    trust, page_as, tmp_path
) -> None:
    from wellled.improvement.actions import complete_with_note
    from wellled.improvement.models import Action

    case = _online_complaint(trust)
    assert case.handler is None
    today = timezone.localdate()
    journey = Journey(page_as(trust.people["complaints_manager"]), _artefacts(tmp_path))
    page = journey.page

    page.goto("/complaints/triage/")
    journey.keep("triage")
    journey.submit(page.get_by_role("button", name=f"Assign to me {case.reference}"), "taken")
    if not page.url.endswith(f"/complaints/{case.pk}/"):
        page.get_by_role("link", name=case.reference).first.click()
    journey.next_step("acknowledged")

    _investigate(journey, trust, today)
    journey.next_step("final-letter-drafted")
    for box in page.locator("main input[type=checkbox]").all():
        box.check()
    journey.submit(page.get_by_role("button", name="Save the letter"), "letter-saved")
    page.goto(f"/complaints/{case.pk}/")
    journey.next_step("draft-submitted")

    # The executive signs it off from the same case page in their own browser (the
    # manager drafted the letter, so may not); their submits are not the manager's.
    signer = _sign_off_as(trust.people["executive"], page_as, journey.folder, case)
    assert signer.submits == 1 and signer.problems == []
    page.reload()
    journey.keep("signed-off")
    journey.next_step("response-sent")
    # The owner completes the action on the register, with evidence.
    action = Action.objects.get(source_id=str(case.issues.get().pk))
    complete_with_note(
        acting_user=trust.people["service_lead"],
        action=action,
        evidence="The discharge checklist now has a medicines line; audited on ward 3.",
    )
    page.reload()
    journey.next_step("closed")

    assert Complaint.objects.get(pk=case.pk).status == Status.CLOSED
    assert journey.submits < SUBMIT_LIMIT, f"{journey.submits} submits"
    assert journey.problems == []
    # Every page after the queue was the case, or its final letter's own page.
    case_page = f"/complaints/{case.pk}/"
    assert journey.paths[0] == "/complaints/triage/"
    assert all(path.startswith(case_page) for path in journey.paths[1:]), journey.paths


def _signed_off_case(trust):  # type: ignore[no-untyped-def]
    """A case whose final response the handler wrote and the executive signed off."""
    from wellled.complaints import actions
    from wellled.complaints.tests.support import D, code_lists, final_letter, issue, record

    code_lists()
    manager = trust.people["complaints_manager"]
    case = record(trust)
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
    letter = final_letter(trust.people["complaints_handler"], case)
    actions.submit_draft(acting_user=manager, complaint=case)
    actions.sign_off(acting_user=trust.people["executive"], complaint=case, capacity="delegate")
    return case, letter


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=False)
def test_changing_a_signed_off_letter_withdraws_the_sign_off_and_asks_again(  # type: ignore[no-untyped-def]
    trust, page_as, tmp_path
) -> None:
    """The manager changes a signed-off response on its page: the page says it is
    locked, the change must be confirmed as withdrawing the sign-off, and the
    executive is asked on their home page to sign it again."""
    case, letter = _signed_off_case(trust)
    folder = _artefacts(tmp_path).parent / "withdrawn-sign-off"
    folder.mkdir(parents=True, exist_ok=True)
    journey = Journey(page_as(trust.people["complaints_manager"]), folder)
    page = journey.page
    page.goto(f"/complaints/{case.pk}/letters/{letter.pk}/")
    assert page.get_by_text("Signed off and locked").is_visible()
    journey.keep("locked")
    page.get_by_text("Change the signed-off response").click()
    body = page.locator("[name=body]")
    body.fill(body.input_value() + "\n\nWe have also written to the ward manager.")
    page.locator("[name=withdraw_sign_off]").check()
    journey.submit(page.get_by_role("button", name="Save and withdraw the sign-off"), "withdrawn")

    after = Complaint.objects.get(pk=case.pk)
    assert after.status == Status.DRAFT_RESPONSE and after.signed_off_by is None
    signer = Journey(page_as(trust.people["executive"]), folder)
    signer.page.goto("/")
    signer.keep("asked-again")
    assert signer.page.get_by_role(
        "link", name=f"Sign off the response to {case.reference}"
    ).is_visible()
    assert journey.submits == 1
    assert journey.problems == [] and signer.problems == []
