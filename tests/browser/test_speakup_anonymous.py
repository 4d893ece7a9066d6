"""The anonymous speak-up loop in a real browser: raise a concern, write down the
code, come back, read the guardian's question and answer it; the guardian works the
case in their own browser. No cookie is ever set for the reporter, and every page
on the way passes axe-core with no serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings

from wellled.speakup.models import Case
from wellled.speakup.tests.support import give_key

AXE = Axe()
PASSPHRASE = "browser test passphrase"


def _axe_problems(page) -> list[str]:
    # After a click the pointer rests wherever the button was; on the next page it
    # can hover a menu link, and axe then catches that link part-way through its
    # hover transition.
    page.mouse.move(0, 0)
    page.wait_for_load_state("load")
    problems = [
        f"{page.url}: {v['id']}: {'; '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in AXE.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    problems.extend(e for e in page.console_errors if "Content Security Policy" in e)
    assert page.locator("h1").count() == 1
    return problems


def _raise_concern(reporter, problems: list[str]) -> str:
    """The reporter raises a concern anonymously; returns the receipt code."""
    reporter.goto("/speak-up/")
    problems += _axe_problems(reporter)
    reporter.get_by_role("link", name="Speak up anonymously").click()
    assert "work computer" in reporter.content()
    problems += _axe_problems(reporter)
    reporter.get_by_label("What is your concern?").fill(
        "Patients on ward 4 wait hours for pain relief."
    )
    reporter.get_by_role("button", name="Send my concern").click()
    code = reporter.locator("#receipt-code").inner_text().strip()
    assert len(code) == 29
    problems += _axe_problems(reporter)
    return code


def _guardian_asks(guardian_page, problems: list[str]) -> None:
    """The guardian reads it and asks a question, in their own browser."""
    guardian_page.goto("/speak-up/guardian/")
    guardian_page.get_by_label("Your speak-up passphrase").fill(PASSPHRASE)
    guardian_page.get_by_role("button", name="Unlock").click()
    assert "pain relief" in guardian_page.content()
    problems += _axe_problems(guardian_page)
    case = Case.objects.get()
    guardian_page.get_by_role("link", name=case.reference).click()
    problems += _axe_problems(guardian_page)
    guardian_page.locator("#reply_body").fill("Which shifts does this happen on?")
    guardian_page.get_by_role("button", name="Send", exact=True).click()
    assert "Which shifts" in guardian_page.content()


def _reporter_replies(reporter, code: str, problems: list[str]) -> None:
    """A week later the reporter comes back with the code."""
    reporter.goto("/speak-up/anonymous/return/")
    problems += _axe_problems(reporter)
    reporter.get_by_label("Your code").fill(code.lower())
    reporter.get_by_role("button", name="Open my concern").click()
    assert "Which shifts does this happen on?" in reporter.content()
    problems += _axe_problems(reporter)
    reporter.get_by_label("Your message").fill("Mostly weekend nights.")
    reporter.get_by_role("button", name="Send", exact=True).click()
    assert "Your message has been sent." in reporter.content()
    assert "Mostly weekend nights." in reporter.content()


def _close_and_ask_for_feedback(guardian_page, reporter, code: str, problems: list[str]) -> None:
    """The guardian closes it; the reporter is asked whether they would speak up again."""
    guardian_page.reload()
    assert "Mostly weekend nights." in guardian_page.content()
    guardian_page.locator("#close_outcome").fill("Pain relief rounds added at weekends.")
    guardian_page.get_by_role("button", name="Close the case").click()
    reporter.goto("/speak-up/anonymous/return/")
    reporter.get_by_label("Your code").fill(code)
    reporter.get_by_role("button", name="Open my concern").click()
    assert "Given your experience, would you speak up again?" in reporter.content()
    problems += _axe_problems(reporter)
    reporter.get_by_label("Yes").check()
    reporter.get_by_role("button", name="Send my answer").click()
    assert "Thank you for your answer." in reporter.content()
    assert Case.objects.get().feedback_answer == "yes"


@pytest.mark.django_db(transaction=True)
@override_settings(
    WELLLED_REQUIRE_2FA=False,
    WELLLED_SPEAKUP_ARGON2_OPSLIMIT=1,
    WELLLED_SPEAKUP_ARGON2_MEMLIMIT=8192,
)
def test_the_anonymous_loop(trust, page_as) -> None:
    guardian = trust.people["guardian"]
    # Set up and approved as the trust's first guardian, through the actions.
    give_key(guardian, PASSPHRASE)
    problems: list[str] = []

    reporter = page_as(None)
    code = _raise_concern(reporter, problems)
    guardian_page = page_as(guardian)
    _guardian_asks(guardian_page, problems)
    _reporter_replies(reporter, code, problems)
    _close_and_ask_for_feedback(guardian_page, reporter, code, problems)

    assert reporter.context.cookies() == []
    # The guardian's other pages.
    for url in ("/speak-up/guardian/record/", "/speak-up/guardian/key/manage/"):
        guardian_page.goto(url)
        problems += _axe_problems(guardian_page)
    assert problems == []
