"""Frameworks are the engine's versioned data; an unknown version is refused clearly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wellled.assurance import actions, frameworks
from wellled.core.testing import Trust


def test_the_framework_layer_reads_the_engine_data() -> None:
    methodology = frameworks.get_framework("saf_2024_statements")
    well_led = methodology.key_question("well-led")
    assert len(well_led.statements) == 8
    assert [p.score for p in frameworks.score_scale(methodology)] == [4, 3, 2, 1]
    assert [(b.rating, b.low, b.high) for b in frameworks.bands(methodology)][1] == (
        "Requires improvement",
        39,
        62,
    )
    assert set(frameworks.scored_framework_ids()) == {
        "saf_2023_evidence_categories",
        "saf_2024_statements",
    }


def test_an_unknown_framework_version_is_a_clear_error() -> None:
    with pytest.raises(ValidationError) as caught:
        frameworks.get_framework("saf_2031")
    message = caught.value.message_dict["methodology"][0]
    assert "Unknown framework version 'saf_2031'" in message
    assert "saf_2024_statements" in message


@pytest.mark.django_db
def test_a_round_under_an_unknown_framework_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.open_round(
            acting_user=trust.people["governance_lead"],
            scope=trust.trust,
            methodology_id="saf_2031",
            title="Round",
        )
    assert "Unknown framework version" in caught.value.message_dict["methodology"][0]


@pytest.mark.django_db
def test_a_framework_with_neither_scores_nor_characteristics_cannot_be_used(
    trust: Trust,
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.open_round(
            acting_user=trust.people["governance_lead"],
            scope=trust.trust,
            methodology_id="kloe_2014",
            title="Round",
        )
    message = caught.value.message_dict["methodology"][0]
    assert "holds no rating characteristics or scores" in message
    assert "cqc_2026_mental_health_draft" in message and "saf_2024_statements" in message


@pytest.mark.django_db
def test_framework_pages_show_statements_and_bands(client_for) -> None:
    client = client_for("guardian")
    page = client.get("/assurance/frameworks/saf_2024_statements/").content.decode()
    assert "Freedom to speak up" in page and "88%" in page
    assert client.get("/assurance/frameworks/saf_2031/").status_code == 404


@pytest.mark.django_db
def test_framework_api_lists_and_retrieves(api_for) -> None:
    api = api_for("board_member")
    listed = api.get("/api/v1/assurance/frameworks/").json()
    assert {row["id"] for row in listed} >= {"saf_2024_statements", "kloe_2014"}
    detail = api.get("/api/v1/assurance/frameworks/saf_2024_statements/").json()
    well_led = next(kq for kq in detail["key_questions"] if kq["id"] == "well-led")
    assert well_led["statements"][2]["name"] == "Freedom to speak up"
    assert well_led["statements"][2]["we_statement"]
    missing = api.get("/api/v1/assurance/frameworks/saf_2031/")
    assert missing.status_code == 404
    assert "Unknown framework version" in missing.json()["detail"]


@pytest.mark.django_db
def test_outsiders_cannot_read_frameworks(api_for) -> None:
    assert api_for("outsider").get("/api/v1/assurance/frameworks/").status_code == 403


def test_the_2026_mental_health_draft_shows_its_status_gaps_and_mapping(client_for) -> None:
    """CQC published four sector drafts on 24 March 2026 (CQC's initial response to
    "Better regulation, better care"; Gordons LLP); the mental health characteristics
    were not found, so the page says the text is not yet available."""
    client = client_for("board_member")
    listing = client.get("/assurance/frameworks/").content.decode()
    assert "cqc_2026_mental_health_draft" in listing
    assert "Draft: judged against rating characteristics, no percentage" in listing
    page = client.get("/assurance/frameworks/cqc_2026_mental_health_draft/").content.decode()
    assert "Mental health care" in page and "Not yet announced" in page
    assert "WL2 Workforce equity and culture" in page
    assert "Text not yet available" in page
    assert (
        "Evidence carries over from (wellled's mapping, not CQC's): "
        "W3 Freedom to speak up; W4 Workforce equality, diversity and inclusion." in page
    )
    assert "INFERENCE by wellled" in page
    assert "Rating bands" not in page
    assert "per assessment question, which rating's characteristics best fit" in page
