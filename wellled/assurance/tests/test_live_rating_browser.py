"""In Chromium: changing a score on the scoring form updates the rating panel through
htmx, under the Content-Security-Policy, and nothing is saved until the form is sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from wellled.assurance.models import StatementAssessment
from wellled.assurance.tests.support import WELL_LED, score_all, trust_round
from wellled.core.testing import Trust

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=False)
def test_changing_a_score_updates_the_rating_panel(trust: Trust, page_as: Any) -> None:
    from playwright.sync_api import expect

    round_ = trust_round(trust)
    # 3 x 7 + 2 = 23 of 32: 72%, Good.
    score_all(trust, round_, dict(zip(WELL_LED, [3, 3, 3, 3, 3, 3, 3, 2], strict=True)))
    page = page_as(trust.people["governance_lead"])
    page.goto(f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/")
    panel = page.locator("#live-rating")
    expect(panel).to_contain_text("72%")
    page.locator("input[name=score][value='1']").check()
    expect(panel).to_contain_text("If this statement scored 1", timeout=5000)
    expect(panel).to_contain_text("66%")
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    saved = StatementAssessment.objects.get(round=round_, statement_id="freedom-to-speak-up")
    assert saved.score == 3
