"""The round page (live rating, boundary, what-if), scoring through the page, well-led, trend."""

from __future__ import annotations

import pytest

from wellled.assurance import actions, panels
from wellled.assurance.models import AssessmentRound
from wellled.assurance.panels import PanelRow, StatementPanel
from wellled.assurance.tests.support import WELL_LED, assessment, evidence, score_all, trust_round
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def test_the_round_page_shows_the_live_rating(client_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    score_all(trust, round_, dict(zip(WELL_LED, [3, 3, 3, 3, 2, 2, 2, 2], strict=True)))
    page = client_for("board_member").get(f"/assurance/rounds/{round_.pk}/").content.decode()
    assert "Well-led: Good" in page
    assert "63%" in page and "62.5%" in page
    assert "Boundary case" in page
    assert "Down: W1 Shared direction and culture from 3 to 2" in page


def test_scoring_through_the_page_recomputes_the_rating(client_for, trust: Trust) -> None:
    round_ = trust_round(trust, previous_ratings={"well-led": "Requires improvement"})
    client = client_for("governance_lead")
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/"
    refused = client.post(url, {"score": "7", "rationale": "Great"})
    assert refused.status_code == 200
    assert "A score must be from 1 to 4: 7 is outside the scale" in refused.content.decode()
    assert assessment(round_, "freedom-to-speak-up").score is None
    response = client.post(url, {"score": "4", "rationale": "Great"}, follow=True)
    assert "Score saved. Well-led is now 56%: Requires improvement." in response.content.decode()
    assert assessment(round_, "freedom-to-speak-up").score == 4


def test_readers_see_the_score_page_but_cannot_score(client_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/"
    client = client_for("board_member")
    page = client.get(url)
    assert page.status_code == 200 and "Save the score" not in page.content.decode()
    assert client.post(url, {"score": "3", "rationale": "x"}).status_code == 403


def test_closing_through_the_page_needs_a_reason(client_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    client = client_for("governance_lead")
    refused = client.post(f"/assurance/rounds/{round_.pk}/close/", {"reason": ""})
    assert "8 statements are not scored" in refused.content.decode()
    done = client.post(f"/assurance/rounds/{round_.pk}/close/", {"reason": "Paused for merger"})
    assert done.status_code == 302


def test_opening_a_round_and_assigning_owners_through_pages(client_for, trust: Trust) -> None:
    client = client_for("governance_lead")
    response = client.post(
        "/assurance/rounds/new/",
        {
            "title": "Well-led Q3",
            "scope": trust.trust.pk,
            "methodology": "saf_2024_statements",
            "rounding": "half_up",
            "previous_well-led": "Good",
        },
    )
    assert response.status_code == 302
    round_ = AssessmentRound.objects.get(title="Well-led Q3")
    assert round_.previous_ratings == {"well-led": "Good"}
    owners = client.post(
        f"/assurance/rounds/{round_.pk}/owners/",
        {"owner_freedom-to-speak-up": trust.people["guardian"].pk},
    )
    assert owners.status_code == 302
    assert assessment(round_, "freedom-to-speak-up").owner == trust.people["guardian"]
    home = client_for("guardian").get("/").content.decode()
    assert "Score a quality statement in Well-led Q3" in home


def test_the_well_led_page_gathers_scores_evidence_and_panels(
    client_for,
    trust: Trust,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[str, str]] = []

    def open_actions(user, framework_id: str, statement_id: str) -> StatementPanel | None:
        seen.append((framework_id, statement_id))
        if statement_id != "freedom-to-speak-up":
            return None
        return StatementPanel(
            title="Open inspection actions",
            module="Inspections",
            rows=[PanelRow(label="MD3 Embed speak-up training", value="Due 1 Mar", overdue=True)],
        )

    monkeypatch.setattr(panels, "_PANELS", [open_actions])
    round_ = trust_round(trust)
    score_all(trust, round_, {"freedom-to-speak-up": 2})
    evidence(trust, title="Guardian annual report", review_in=-2)
    page = client_for("board_member").get("/assurance/well-led/").content.decode()
    assert page.count("<h1>") == 1
    for label in ("W1 Shared direction and culture", "W8 Environmental sustainability"):
        assert label in page
    assert "2: Evidence shows some shortfalls" in page
    assert "Guardian annual report" in page and "Stale" in page
    assert "MD3 Embed speak-up training" in page and "Overdue" in page
    assert ("saf_2024_statements", "environmental-sustainability") in seen


def test_the_trend_shows_each_round(client_for, trust: Trust) -> None:
    first = trust_round(trust, title="Spring")
    score_all(trust, first, dict.fromkeys(WELL_LED, 2))
    actions.close_round(acting_user=trust.people["governance_lead"], round_=first)
    second = trust_round(trust, title="Autumn")
    score_all(trust, second, dict.fromkeys(WELL_LED, 3))
    page = client_for("executive").get("/assurance/rounds/trend/").content.decode()
    assert page.index("Spring") < page.index("Autumn")
    assert "Requires improvement, 50%" in page and "Good, 75%" in page


def test_pages_are_refused_without_a_capability(client_for, trust: Trust) -> None:
    round_ = trust_round(trust)
    client = client_for("staff_member")
    for url in (
        "/assurance/",
        "/assurance/well-led/",
        "/assurance/evidence/",
        f"/assurance/rounds/{round_.pk}/",
        "/assurance/rounds/new/",
    ):
        assert client.get(url).status_code == 403, url
    guardian = client_for("guardian")
    assert guardian.get("/assurance/well-led/").status_code == 403
    assert guardian.get("/assurance/rounds/new/").status_code == 403
    assert guardian.get(f"/assurance/rounds/{round_.pk}/close/").status_code == 403


def test_a_2023_round_is_scored_by_evidence_category_on_the_page(client_for, trust: Trust) -> None:
    round_ = trust_round(trust, methodology_id="saf_2023_evidence_categories")
    client = client_for("governance_lead")
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/"
    form = client.get(url).content.decode()
    assert "Evidence category: Processes" in form
    response = client.post(
        url,
        {"rationale": "Audit", "category_processes": "4", "category_outcomes": "3"},
    )
    assert response.status_code == 302
    assert assessment(round_, "freedom-to-speak-up").score == 4  # 7/8 = 87.5% -> 88
