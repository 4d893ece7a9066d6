"""The well-led page leads with CQC's latest rating, then the self-assessment as an
estimate, and says which limiter rules applied to that estimate and why."""

from __future__ import annotations

import pytest

from wellled.assurance.panels import latest_published_rating
from wellled.assurance.tests.support import WELL_LED, score_all, trust_round
from wellled.core.testing import Trust

# CQC's ratings reach assurance from inspections, through the panels registry.
from wellled.inspections import actions as inspection_actions
from wellled.inspections.tests.support import D, inspection

pytestmark = pytest.mark.django_db

# 1,2,2,2,1,2,2,2 = 14 of 32 = 43.75%, published as 44%: Requires improvement.
JULY_2025 = dict(zip(WELL_LED, [1, 2, 2, 2, 1, 2, 2, 2], strict=True))
# 3,3,3,2,3,3,2,2 = 21 of 32 = 65.6%: Good, as the trust estimates it.
SINCE = dict(zip(WELL_LED, [3, 3, 3, 2, 3, 3, 2, 2], strict=True))


def _cqc_rated(trust: Trust) -> None:
    record = inspection(trust)
    inspection_actions.set_ratings(
        acting_user=None,
        inspection=record,
        key_question_ratings={"well-led": "Requires improvement"},
        statement_scores=JULY_2025,
    )


def test_cqc_rating_comes_first_and_the_open_round_is_an_estimate(client_for, trust: Trust) -> None:
    _cqc_rated(trust)
    round_ = trust_round(trust, title="Autumn round")
    score_all(trust, round_, SINCE)
    page = client_for("board_member").get("/assurance/well-led/").content.decode()
    cqc = page.index("Well-led: Requires improvement")
    estimate = page.index("Well-led: Good")
    assert cqc < estimate
    assert "CQC's score: 44%." in page
    assert "Scored 1 (significant shortfalls) by CQC: W1 Shared direction and culture" in page
    assert "Estimated, not CQC's" in page[estimate:]
    assert "CQC's rating stays Requires improvement until it inspects again" in page


def test_the_latest_cqc_report_wins_and_a_mock_inspection_is_not_a_rating(trust: Trust) -> None:
    _cqc_rated(trust)
    mock = inspection(
        trust,
        kind="mock_inspection",
        title="Mock well-led review",
        started_on=D(2026, 2, 1),
        ended_on=D(2026, 2, 2),
        report_published_on=D(2026, 3, 1),
    )
    inspection_actions.set_ratings(
        acting_user=None,
        inspection=mock,
        key_question_ratings={"well-led": "Good"},
        statement_scores=SINCE,
    )
    found = latest_published_rating(trust.people["board_member"], trust.trust, "well-led")
    assert found is not None
    assert (found.rating, found.title, found.percentage) == (
        "Requires improvement",
        "CQC well-led inspection 2025",
        44,
    )


def test_someone_who_may_not_see_inspections_gets_no_cqc_rating(trust: Trust) -> None:
    _cqc_rated(trust)
    assert latest_published_rating(trust.people["staff_member"], trust.trust, "well-led") is None


def test_the_page_says_which_limiter_rules_applied_and_why(client_for, trust: Trust) -> None:
    """A statement scored 1 caps nothing until the governance lead switches the rule on.

    The rule is commonly reported, not confirmed by CQC (docs/engines/ratings.md,
    "Limiters", source ridouts-limiters), so it stays a per-round switch; the page says
    so instead of leaving the reader to guess.
    """
    round_ = trust_round(trust)
    # 1,3,3,3,3,3,3,3 = 22 of 32 = 68.75%: Good by the band.
    score_all(trust, round_, dict(zip(WELL_LED, [1, 3, 3, 3, 3, 3, 3, 3], strict=True)))
    page = client_for("board_member").get("/assurance/well-led/").content.decode()
    assert "No limiter lowered this rating" in page
    assert (
        "<strong>A statement scored 1</strong> (caps at Requires improvement): Not applied: "
        "this rule is not switched on for this round, so shared-direction-and-culture scored 1 "
        "does not cap the rating." in page
    )
    assert "<strong>Requirement notice</strong> (caps at Requires improvement): Not applied" in page
    assert "UNCERTAIN (commonly reported, not verified" in page
