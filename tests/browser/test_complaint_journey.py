"""Issue #15's "Done when", in a real browser: a complaints manager takes a new online
complaint from the triage queue to closure, with learning and an improvement action,
without leaving the case (the letter's own page aside) and in under 15 submits.

Two things are done by other people, as in the trust, through their actions rather
than the browser, and are not the manager's submits: an executive signs the
response off (the signer must not be the drafter), and the action's owner
completes it with evidence (closing waits for that).

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
    from wellled.complaints import actions
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

    # The executive signs it off (the manager drafted the letter, so may not), in
    # their own session: page_as's one test client cannot hold two logins at once.
    actions.sign_off(
        acting_user=trust.people["executive"],
        complaint=Complaint.objects.get(pk=case.pk),
        capacity="delegate",
    )
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
